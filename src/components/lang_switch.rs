use crate::i18n::{use_tr, Lang, Text};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct LangSwitchProps {
    pub on_change: Callback<Lang>,
}

/// Switches the interface language; each language is named in itself.
#[function_component]
pub fn LangSwitch(props: &LangSwitchProps) -> Html {
    let tr = use_tr();
    html! {
        <nav class="lang-switch" aria-label={tr.t(Text::Language)}>
            { for Lang::ALL.into_iter().map(|lang| {
                let onclick = props.on_change.reform(move |_| lang);
                html! {
                    <button type="button" lang={lang.code()} aria-pressed={(tr.0 == lang).to_string()} {onclick}>
                        { lang.native_name() }
                    </button>
                }
            }) }
        </nav>
    }
}
