use yew::prelude::*;

/// This page's origin (`location.origin`): links handed out start with it.
#[hook]
pub fn use_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
