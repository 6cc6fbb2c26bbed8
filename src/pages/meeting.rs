use crate::api;
use crate::components::call::Call;
use crate::error::ApiFailure;
use crate::i18n::{use_tr, Text};
use crate::pass::Pass;
use sala_protocol::{MeetingId, MeetingInfo};
use yew::prelude::*;

/// Loading of the meeting a link points to.
#[derive(Clone, Debug, PartialEq)]
enum Load {
    Loading,
    Ready(MeetingInfo),
    Failed(ApiFailure),
}

#[derive(PartialEq, Properties)]
pub struct MeetingPageProps {
    pub id: AttrValue,
}

/// The page a meeting link opens.
#[function_component]
pub fn MeetingPage(props: &MeetingPageProps) -> Html {
    let tr = use_tr();
    let id = MeetingId::parse(&props.id).ok();
    let load = use_state(|| Load::Loading);
    let attempt = use_state(|| 0u32);
    let pass = use_memo((), |()| Pass::from_page());
    {
        let load = load.clone();
        use_effect_with(id.clone(), move |id| {
            let load = load.clone();
            match id.clone() {
                None => load.set(Load::Failed(ApiFailure::Refused(
                    sala_protocol::ApiErrorCode::NotFound,
                ))),
                Some(id) => wasm_bindgen_futures::spawn_local(async move {
                    load.set(match api::get_meeting(&id).await {
                        Ok(info) => Load::Ready(info),
                        Err(err) => Load::Failed(err),
                    });
                }),
            }
        });
    }
    let on_rejoin = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };
    let Ok(pass) = (*pass).clone() else {
        return html! {
            <section class="card" data-testid="meeting-error">
                <h1>{ tr.t(Text::InviteTampered) }</h1>
                <a class="button secondary" href="/">{ tr.t(Text::BackHome) }</a>
            </section>
        };
    };
    match &*load {
        Load::Loading => html! { <p class="loading" aria-busy="true">{ tr.t(Text::Loading) }</p> },
        Load::Failed(err) => html! {
            <section class="card" data-testid="meeting-error">
                <h1>{ tr.t(err.text()) }</h1>
                <a class="button secondary" href="/">{ tr.t(Text::BackHome) }</a>
            </section>
        },
        Load::Ready(info) => html! {
            <Call key={*attempt} meeting={info.clone()} {pass} {on_rejoin} />
        },
    }
}
