//! Browser APIs that web-sys does not expose in the shape we need, and small helpers.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, RtcPeerConnection, RtcRtpEncodingParameters, RtcRtpSender};

#[wasm_bindgen]
extern "C" {
    /// `RTCPeerConnection` methods web-sys lacks.
    type PeerConnectionExt;
    #[wasm_bindgen(method, js_name = setLocalDescription)]
    fn set_local_description(this: &PeerConnectionExt) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = restartIce)]
    fn restart_ice(this: &PeerConnectionExt);

    /// `RTCRtpSender` methods web-sys lacks.
    type SenderExt;
    #[wasm_bindgen(method, catch, js_name = setStreams)]
    fn set_streams(this: &SenderExt, stream: &MediaStream) -> Result<(), JsValue>;
}

/// `pc.setLocalDescription()` without arguments: creates the right offer or
/// answer for the current signaling state (perfect negotiation relies on it).
pub fn set_local_description_implicit(pc: &RtcPeerConnection) -> js_sys::Promise {
    pc.unchecked_ref::<PeerConnectionExt>()
        .set_local_description()
}

/// `pc.restartIce()`: the next negotiation gathers new ICE credentials.
pub fn restart_ice(pc: &RtcPeerConnection) {
    pc.unchecked_ref::<PeerConnectionExt>().restart_ice();
}

/// `sender.setStreams(stream)`: the answerer's tracks carry its stream id.
pub fn set_streams(sender: &RtcRtpSender, stream: &MediaStream) -> Result<(), JsValue> {
    sender.unchecked_ref::<SenderExt>().set_streams(stream)
}

/// `encoding.maxFramerate`, which web-sys's dictionary lacks.
pub fn set_max_framerate(encoding: &RtcRtpEncodingParameters, fps: f32) -> Result<(), JsValue> {
    js_sys::Reflect::set(encoding, &"maxFramerate".into(), &fps.into()).map(drop)
}

/// `encoding.networkPriority = "high"` (DSCP marking), which web-sys lacks.
pub fn set_network_priority_high(encoding: &RtcRtpEncodingParameters) -> Result<(), JsValue> {
    js_sys::Reflect::set(encoding, &"networkPriority".into(), &"high".into()).map(drop)
}

/// Sets `encoding.maxBitrate`, or removes it so the browser chooses.
pub fn set_optional_max_bitrate(
    encoding: &RtcRtpEncodingParameters,
    bps: Option<u32>,
) -> Result<(), JsValue> {
    match bps {
        Some(bps) => js_sys::Reflect::set(encoding, &"maxBitrate".into(), &bps.into()).map(drop),
        None => js_sys::Reflect::delete_property(encoding, &"maxBitrate".into()).map(drop),
    }
}

/// A parameter of the page's query string (`?name=value`), if present.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Milliseconds on the page's monotonic clock (`performance.now()`).
pub fn monotonic_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Awaits a JS promise, keeping only whether it succeeded and the value.
pub async fn wait(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// Logs something worth seeing in the console of a participant's browser.
pub fn info(context: &str, what: &str, why: &str) {
    web_sys::console::info_3(&context.into(), &what.into(), &why.into());
}

/// Logs a failed browser call that has no user-facing consequence.
pub fn warn(context: &str, err: &JsValue) {
    web_sys::console::warn_2(&JsValue::from_str(context), err);
}
