use crate::i18n::{use_tr, Text};
use yew::prelude::*;

#[function_component]
pub fn NotFound() -> Html {
    let tr = use_tr();
    html! {
        <section class="card" data-testid="not-found">
            <h1>{ tr.t(Text::MeetingNotFound) }</h1>
            <a class="button secondary" href="/">{ tr.t(Text::BackHome) }</a>
        </section>
    }
}
