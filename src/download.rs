//! Saving text the app fetched as a file on the user's machine: a `Blob`,
//! its object URL, and a temporary `<a download>` clicked once. The URL is
//! revoked right after (the browser has taken its copy by then).

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Why a file could not be offered for saving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaveFailed;

impl From<JsValue> for SaveFailed {
    fn from(_: JsValue) -> Self {
        SaveFailed
    }
}

/// Offers `text` for saving as `name`, of type `mime`.
pub fn save_text(name: &str, mime: &str, text: &str) -> Result<(), SaveFailed> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(SaveFailed)?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")?
        .dyn_into()
        .map_err(|_| SaveFailed)?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    Url::revoke_object_url(&url)?;
    Ok(())
}
