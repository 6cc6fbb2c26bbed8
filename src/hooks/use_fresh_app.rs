//! The way to a fresh app when the server is newer than the one running.
//!
//! A return visit runs the app the service worker (`sw.js`) kept. When the
//! server refuses that app's protocol, the app unregisters the service worker
//! and reloads once, so the page comes from the server again. A tab that
//! already reloaded for this same client version does not reload again (the
//! fresh app is refused too: the server is not one this app can talk to), so
//! there is no reload loop; the end screen's button still reloads by hand.

use gloo_storage::{SessionStorage, Storage};
use sala_protocol::PROTOCOL_VERSION;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::ServiceWorkerRegistration;
use yew::prelude::*;

/// Session storage key: the protocol version of the app that last reloaded
/// this tab for a newer server.
const RELOADED_FOR: &str = "sala.reloaded-for-protocol";

/// When `stale` becomes true, unregisters the service worker and reloads the
/// page — once per client protocol version and tab. The callback does the
/// same by hand, every time (the end screen's button).
#[hook]
pub fn use_fresh_app(stale: bool) -> Callback<()> {
    use_effect_with(stale, |&stale| {
        let reloaded = SessionStorage::get::<u32>(RELOADED_FOR).ok() == Some(PROTOCOL_VERSION);
        if stale && !reloaded {
            if let Err(err) = SessionStorage::set(RELOADED_FOR, PROTOCOL_VERSION) {
                // Without the guard a loop could follow: stay on the end screen.
                web_sys::console::warn_2(&"no reload guard".into(), &err.to_string().into());
            } else {
                wasm_bindgen_futures::spawn_local(reload_fresh());
            }
        }
    });
    Callback::from(|()| wasm_bindgen_futures::spawn_local(reload_fresh()))
}

/// Unregisters this origin's service workers, then reloads: the page, its
/// script and its wasm then come from the server.
async fn reload_fresh() {
    if let Err(err) = unregister_service_workers().await {
        // Reload anyway: the browser checks `sw.js` (sent `no-cache`) on
        // navigation and the new one replaces the old cache.
        web_sys::console::warn_2(&"service worker not unregistered".into(), &err);
    }
    if let Some(window) = web_sys::window() {
        if let Err(err) = window.location().reload() {
            web_sys::console::warn_2(&"reload".into(), &err);
        }
    }
}

async fn unregister_service_workers() -> Result<(), JsValue> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    // `navigator.serviceWorker` is missing outside a secure context.
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into())? {
        return Ok(());
    }
    let registrations = JsFuture::from(navigator.service_worker().get_registrations()).await?;
    for registration in js_sys::Array::from(&registrations).iter() {
        let registration: ServiceWorkerRegistration = registration.dyn_into()?;
        JsFuture::from(registration.unregister()?).await?;
    }
    Ok(())
}
