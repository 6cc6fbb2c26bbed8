use crate::api;
use crate::components::copy_link::CopyLink;
use crate::hooks::use_origin;
use crate::i18n::{use_tr, Text};
use sala_protocol::{MeetingCreated, MeetingKind, MeetingTitle, TextError};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Creating a meeting, as the start page shows it.
#[derive(Clone, Debug, PartialEq)]
enum Create {
    Editing(Option<Text>),
    Creating,
    Created(MeetingCreated),
}

/// Start page: name a meeting, get a host link and a guest link.
#[function_component]
pub fn Home() -> Html {
    let tr = use_tr();
    let origin = use_origin();
    let title = use_state(String::new);
    let create = use_state(|| Create::Editing(None));
    let kind = use_state_eq(|| MeetingKind::Meeting);
    let oninput = {
        let title = title.clone();
        Callback::from(move |e: InputEvent| {
            title.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (title, create, kind) = (title.clone(), create.clone(), *kind);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let parsed = match MeetingTitle::parse(&title) {
                Ok(t) => t,
                Err(TextError::TooLong { .. }) => {
                    return create.set(Create::Editing(Some(Text::TextTooLong)))
                }
                Err(TextError::Empty | TextError::Control) => {
                    return create.set(Create::Editing(Some(Text::TitleRequired)))
                }
            };
            create.set(Create::Creating);
            let create = create.clone();
            wasm_bindgen_futures::spawn_local(async move {
                create.set(match api::create_meeting(parsed, kind).await {
                    Ok(created) => Create::Created(created),
                    Err(err) => Create::Editing(Some(err.text())),
                });
            });
        })
    };
    let body = match &*create {
        Create::Created(created) => {
            let guest = format!("{origin}/m/{}", created.meeting.id);
            let host = format!("{guest}#host={}", created.host_key);
            html! {
                <div class="created" data-testid="created">
                    <h2>{ created.meeting.title.as_str() }</h2>
                    <CopyLink label={Text::HostLink} hint={Text::HostLinkHint} url={host.clone()} testid="host-link" />
                    <CopyLink label={Text::GuestLink} hint={Text::GuestLinkHint} url={guest} testid="guest-link" />
                    <a class="button primary" href={host} data-testid="open-host">{ tr.t(Text::OpenAsHost) }</a>
                </div>
            }
        }
        state => {
            let (error, busy) = match state {
                Create::Editing(error) => (*error, false),
                _ => (None, true),
            };
            html! {
                <form {onsubmit} novalidate=true>
                    <label class="field">
                        <span>{ tr.t(Text::MeetingTitle) }</span>
                        <input value={(*title).clone()} {oninput} maxlength="120" placeholder={tr.t(Text::MeetingTitlePlaceholder)}
                            aria-invalid={error.is_some().to_string()} data-testid="title-input" />
                    </label>
                    if let Some(err) = error {
                        <p class="field-error" role="alert" data-testid="create-error">{ tr.t(err) }</p>
                    }
                    <fieldset class="field kind">
                        <legend>{ tr.t(Text::MeetingKind) }</legend>
                        { for [(MeetingKind::Meeting, Text::KindMeeting), (MeetingKind::Hearing, Text::KindHearing)].into_iter().map(|(k, text)| {
                            let pick = { let kind = kind.clone(); Callback::from(move |_| kind.set(k)) };
                            html! {
                                <label class="choice">
                                    <input type="radio" name="kind" value={k.as_str()} checked={*kind == k} onchange={pick}
                                        data-testid={format!("kind-{}", k.as_str())} />
                                    <span>{ tr.t(text) }</span>
                                </label>
                            }
                        }) }
                    </fieldset>
                    <button type="submit" class="primary" disabled={busy} data-testid="create-button">
                        { tr.t(if busy { Text::Creating } else { Text::CreateMeeting }) }
                    </button>
                </form>
            }
        }
    };
    html! {
        <section class="card home">
            <h1>{ tr.t(Text::StartMeeting) }</h1>
            <p class="lead">{ tr.t(Text::Tagline) }</p>
            { body }
        </section>
    }
}
