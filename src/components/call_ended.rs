use crate::error::CallEnd;
use crate::hooks::use_fresh_app;
use crate::i18n::{use_tr, Text};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct CallEndedProps {
    pub end: CallEnd,
    pub on_rejoin: Callback<()>,
}

/// After the call: why it ended, and the way back.
#[function_component]
pub fn CallEnded(props: &CallEndedProps) -> Html {
    let tr = use_tr();
    // A newer server: reload once to its app (the service worker may have
    // kept this one).
    let reload = use_fresh_app(props.end == CallEnd::VersionMismatch);
    let can_rejoin = matches!(
        props.end,
        CallEnd::Left | CallEnd::Replaced | CallEnd::MeetingFull
    );
    html! {
        <section class="card ended" data-testid="call-ended">
            <h1>{ tr.t(props.end.text()) }</h1>
            <div class="actions">
                if can_rejoin {
                    <button type="button" class="primary" onclick={props.on_rejoin.reform(|_| ())}>{ tr.t(Text::Rejoin) }</button>
                }
                if props.end == CallEnd::VersionMismatch {
                    <button type="button" class="primary" onclick={reload.reform(|_| ())}>{ tr.t(Text::TryAgain) }</button>
                }
                <a class="button secondary" href="/">{ tr.t(Text::BackHome) }</a>
            </div>
        </section>
    }
}
