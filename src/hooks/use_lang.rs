use crate::i18n::Lang;
use gloo_storage::{LocalStorage, Storage};
use yew::prelude::*;

const LANG_KEY: &str = "sala.lang";

/// Stored choice, else the browser's language, else English.
fn initial_lang() -> Lang {
    LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|c| Lang::from_code(&c))
        .or_else(|| {
            web_sys::window()?
                .navigator()
                .language()
                .and_then(|l| Lang::from_code(&l))
        })
        .unwrap_or(Lang::En)
}

/// The interface's language: the stored choice, else the browser's, else
/// English. Each one set is remembered (`localStorage`) and given to the
/// page's `<html lang>`.
#[hook]
pub fn use_lang() -> UseStateHandle<Lang> {
    let lang = use_state_eq(initial_lang);
    use_effect_with(*lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            // Only the attribute's name could make this fail, and "lang" is valid.
            drop(root.set_attribute("lang", lang.code()));
        }
        // Remembering is a convenience; private mode may refuse it.
        drop(LocalStorage::set(LANG_KEY, lang.code()));
    });
    lang
}
