use crate::i18n::{Lang, Text, Tr};
use yew::prelude::*;

/// Switches the interface language; each language is named in itself.
/// A function, not a component: no state of its own (see `icon`).
pub fn lang_switch(tr: Tr, on_change: &Callback<Lang>) -> Html {
    html! {
        <nav class="lang-switch" aria-label={tr.t(Text::Language)}>
            { for Lang::ALL.into_iter().map(|lang| {
                let onclick = on_change.reform(move |_| lang);
                html! {
                    <button type="button" lang={lang.code()} aria-pressed={(tr.0 == lang).to_string()} {onclick}>
                        { lang.native_name() }
                    </button>
                }
            }) }
        </nav>
    }
}
