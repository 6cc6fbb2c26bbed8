//! Capture of camera, microphone and screen. Tracks are stopped when their
//! owner drops them, so the camera light goes off on leave and on unmount.

use crate::error::MediaError;
use crate::state::{Device, Devices};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    MediaDeviceInfo, MediaDeviceKind, MediaDevices, MediaStream, MediaStreamConstraints,
    MediaStreamTrack,
};

use super::js::wait;

/// Which kind of capture device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Audio,
    Video,
}

fn media_devices() -> Result<MediaDevices, MediaError> {
    let window = web_sys::window().ok_or(MediaError::Unsupported)?;
    if !window.is_secure_context() {
        return Err(MediaError::InsecureContext);
    }
    window
        .navigator()
        .media_devices()
        .map_err(|_| MediaError::Unsupported)
}

fn track_constraints(kind: Kind, device: Option<&str>) -> JsValue {
    let c = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&c, &k.into(), v).map(drop);
    let ok = match kind {
        Kind::Audio => ["echoCancellation", "noiseSuppression", "autoGainControl"]
            .into_iter()
            .try_for_each(|k| set(k, &JsValue::TRUE)),
        Kind::Video => {
            let ideal = |n: f64| {
                let o = Object::new();
                Reflect::set(&o, &"ideal".into(), &n.into()).map(|_| JsValue::from(o))
            };
            ideal(640.0)
                .and_then(|w| set("width", &w))
                .and_then(|()| ideal(360.0))
                .and_then(|h| set("height", &h))
                .and_then(|()| ideal(24.0))
                .and_then(|f| set("frameRate", &f))
        }
    };
    if let (Ok(()), Some(id)) = (&ok, device) {
        let exact = Object::new();
        if Reflect::set(&exact, &"exact".into(), &id.into()).is_ok() {
            let _ignored_on_old_browsers = set("deviceId", &exact);
        }
    }
    c.into()
}

async fn get_user_media(
    audio: Option<Option<&str>>,
    video: Option<Option<&str>>,
) -> Result<MediaStream, MediaError> {
    let devices = media_devices()?;
    let constraints = MediaStreamConstraints::new();
    match audio {
        Some(id) => constraints.set_audio(&track_constraints(Kind::Audio, id)),
        None => constraints.set_audio_bool(false),
    }
    match video {
        Some(id) => constraints.set_video(&track_constraints(Kind::Video, id)),
        None => constraints.set_video_bool(false),
    }
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| MediaError::from_js(&e))?;
    let stream = wait(promise).await.map_err(|e| MediaError::from_js(&e))?;
    Ok(stream.unchecked_into())
}

/// Captures microphone and camera together. Without a camera (or microphone)
/// it falls back to what exists, so a user without a camera can still talk.
pub async fn capture_main(
    mic: Option<&str>,
    camera: Option<&str>,
    want_camera: bool,
) -> Result<MediaStream, MediaError> {
    let video = want_camera.then_some(camera);
    match get_user_media(Some(mic), video).await {
        Err(MediaError::NoDevice | MediaError::DeviceBusy) if want_camera => {
            match get_user_media(Some(mic), None).await {
                Ok(stream) => Ok(stream),
                Err(_) => get_user_media(None, Some(camera)).await,
            }
        }
        other => other,
    }
}

/// Captures one track of `kind`, e.g. to turn the camera back on or switch device.
pub async fn capture_track(
    kind: Kind,
    device: Option<&str>,
) -> Result<MediaStreamTrack, MediaError> {
    let stream = match kind {
        Kind::Audio => get_user_media(Some(device), None).await?,
        Kind::Video => get_user_media(None, Some(device)).await?,
    };
    first_track(&stream, kind).ok_or(MediaError::NoDevice)
}

/// Asks the user for a screen, window or tab to share.
pub async fn capture_screen() -> Result<MediaStream, MediaError> {
    let devices = media_devices()?;
    let promise = devices
        .get_display_media()
        .map_err(|e| MediaError::from_js(&e))?;
    let stream = wait(promise).await.map_err(|e| MediaError::from_js(&e))?;
    Ok(stream.unchecked_into())
}

pub fn first_track(stream: &MediaStream, kind: Kind) -> Option<MediaStreamTrack> {
    let tracks = match kind {
        Kind::Audio => stream.get_audio_tracks(),
        Kind::Video => stream.get_video_tracks(),
    };
    tracks.get(0).dyn_into::<MediaStreamTrack>().ok()
}

/// Device id a live track was opened on.
pub fn device_id(track: &MediaStreamTrack) -> Option<String> {
    let settings = track.get_settings();
    Reflect::get(&settings, &"deviceId".into())
        .ok()
        .and_then(|v| v.as_string())
}

/// Stops every track of `stream`: the device is released and its light goes off.
pub fn stop_all(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// A stream holding just `tracks` (a new object, so views re-render).
pub fn stream_of(tracks: &[&MediaStreamTrack]) -> MediaStream {
    let array: Array = tracks.iter().map(|t| JsValue::from(*t)).collect();
    MediaStream::new_with_tracks(&array)
        .unwrap_or_else(|_| MediaStream::new().expect("MediaStream constructor"))
}

/// Lists cameras and microphones (labels appear once capture was allowed).
pub async fn list_devices() -> Result<Devices, MediaError> {
    let promise = media_devices()?
        .enumerate_devices()
        .map_err(|e| MediaError::from_js(&e))?;
    let list: Array = wait(promise)
        .await
        .map_err(|e| MediaError::from_js(&e))?
        .unchecked_into();
    let mut devices = Devices::default();
    for info in list
        .iter()
        .filter_map(|d| d.dyn_into::<MediaDeviceInfo>().ok())
    {
        let id = info.device_id();
        if id.is_empty() {
            continue;
        }
        let n = match info.kind() {
            MediaDeviceKind::Videoinput => &mut devices.cameras,
            MediaDeviceKind::Audioinput => &mut devices.mics,
            _ => continue,
        };
        let label = match info.label() {
            l if l.is_empty() => format!(
                "{} {}",
                if info.kind() == MediaDeviceKind::Videoinput {
                    "Camera"
                } else {
                    "Microphone"
                },
                n.len() + 1
            ),
            l => l,
        };
        n.push(Device { id, label });
    }
    Ok(devices)
}
