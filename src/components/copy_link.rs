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
    let copied = use_state_eq(|| false);
    let onclick = {
        let (url, copied) = (props.url.clone(), copied.clone());
        Callback::from(move |_| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&url);
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
            });
        })
    };
    html! {
        <div class="copy-link">
            <div class="copy-link-label">{ tr.t(props.label) }</div>
            <div class="copy-link-row">
                <input readonly=true value={props.url.clone()} data-testid={props.testid}
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().select())} />
                <button type="button" class="secondary" {onclick}>
                    { tr.t(if *copied { Text::Copied } else { Text::Copy }) }
                </button>
            </div>
            <p class="hint">{ tr.t(props.hint) }</p>
        </div>
    }
}
