use crate::hooks::use_clipboard;
use crate::i18n::{use_tr, Text};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct CopyLinkProps {
    pub label: Text,
    pub hint: Text,
    pub url: AttrValue,
    pub testid: &'static str,
}

/// A link to hand out, with a Copy button that confirms it copied.
#[function_component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let tr = use_tr();
    let clipboard = use_clipboard();
    let onclick = {
        let url = props.url.clone();
        clipboard.copy.reform(move |_| url.clone())
    };
    html! {
        <div class="copy-link">
            <div class="copy-link-label">{ tr.t(props.label) }</div>
            <div class="copy-link-row">
                <input readonly=true value={props.url.clone()} data-testid={props.testid}
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().select())} />
                <button type="button" class="secondary" {onclick}>
                    { tr.t(if clipboard.copied { Text::Copied } else { Text::Copy }) }
                </button>
            </div>
            <p class="hint">{ tr.t(props.hint) }</p>
        </div>
    }
}
