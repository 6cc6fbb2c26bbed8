use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The clipboard, as a component sees it.
#[derive(Clone, PartialEq)]
pub struct Clipboard {
    /// Whether the last copy went through (false before any).
    pub copied: bool,
    /// Writes the text to the clipboard; `copied` then says how it went.
    pub copy: Callback<AttrValue>,
}

/// Copying text to the clipboard (`navigator.clipboard.writeText`).
#[hook]
pub fn use_clipboard() -> Clipboard {
    let copied = use_state_eq(|| false);
    let copy = {
        let copied = copied.clone();
        Callback::from(move |text: AttrValue| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&text);
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(JsFuture::from(promise).await.is_ok());
            });
        })
    };
    Clipboard {
        copied: *copied,
        copy,
    }
}
