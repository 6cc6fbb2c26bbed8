//! The engine's side of local capture: camera, microphone, screen and the
//! device list, and putting their tracks on every peer connection.

use super::media::{self, Kind};
use super::{js, Command, Engine, Event};
use crate::error::MediaError;
use crate::state::Action;
use sala_protocol::ClientMsg;
use wasm_bindgen::{closure::Closure, JsCast};

/// What a camera or microphone command did.
pub(super) enum Applied {
    /// Nothing to tell anyone: refused, or not such a command.
    Nothing,
    /// Local capture changed; the track of this kind was replaced.
    Changed(Option<Kind>),
}

impl Engine {
    pub(super) async fn capture(&mut self) {
        self.capture_main(true).await;
    }

    /// Opens the microphone, and the camera if `camera`: the join screen's
    /// preview, or a gallery member let take part.
    async fn capture_main(&mut self, camera: bool) {
        self.emit(Action::MediaRequesting);
        let (mic, camera_id) = (self.local.mic_id.clone(), self.local.camera_id.clone());
        match media::capture_main(mic.as_deref(), camera_id.as_deref(), camera).await {
            Ok(stream) => {
                self.local
                    .set_track(true, media::first_track(&stream, Kind::Audio));
                self.local
                    .set_track(false, media::first_track(&stream, Kind::Video));
                self.emit(Action::MediaReady {
                    stream: self.local.preview(),
                    camera_id: self.local.camera_id.clone(),
                    mic_id: self.local.mic_id.clone(),
                });
                self.emit_toggles();
                self.watch_devices();
                self.refresh_devices().await;
            }
            Err(err) => self.emit(Action::MediaFailed(err)),
        }
    }

    /// From now on we watch and listen only (the public gallery, by its
    /// invitation or sent there by the host): every track stops, so the
    /// camera and microphone lights go off, the connections send nothing, and
    /// the browser is not asked for a device again.
    pub(super) async fn watch_only(&mut self) {
        if self.watch_only {
            return;
        }
        self.set_screen(false).await;
        self.enter_gallery();
        self.replace_on_peers(true).await;
        self.replace_on_peers(false).await;
        self.announce();
    }

    /// The part of [`Self::watch_only`] the join screen does too.
    pub(super) fn enter_gallery(&mut self) {
        self.watch_only = true;
        self.local.set_track(true, None);
        self.local.set_track(false, None);
        self.unwatch_devices();
        self.emit(Action::WatchOnly);
    }

    /// Out of the gallery (the host let us take part): the microphone is
    /// opened but stays off, the camera too, until we switch them on; nobody
    /// is heard or seen by surprise.
    pub(super) async fn take_part(&mut self) {
        if !self.watch_only {
            return;
        }
        self.watch_only = false;
        self.local.mic_on = false;
        self.capture_main(false).await;
        self.replace_on_peers(true).await;
        self.announce();
    }

    pub(super) fn unwatch_devices(&mut self) {
        if let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) {
            devices.set_ondevicechange(None);
        }
        self.device_change = None;
    }

    pub(super) fn watch_devices(&mut self) {
        let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok())
        else {
            return;
        };
        let send = self.sender();
        let closure = Closure::<dyn FnMut()>::new(move || send(Event::DevicesChanged));
        devices.set_ondevicechange(Some(closure.as_ref().unchecked_ref()));
        self.device_change = Some(closure);
    }

    pub(super) async fn refresh_devices(&mut self) {
        if let Ok(devices) = media::list_devices().await {
            self.emit(Action::Devices(devices));
        }
    }

    pub(super) fn emit_toggles(&self) {
        self.emit(Action::LocalToggles {
            mic: self.local.mic_on && self.local.audio().is_some(),
            camera: self.local.camera_on(),
        });
    }

    /// Opens `kind` on `device` for the preview and the call; the call puts
    /// it on its connections. On failure the old track stays live: the call
    /// goes on with the device it had.
    async fn switch_device(
        &mut self,
        kind: Kind,
        device: Option<String>,
    ) -> Result<Kind, MediaError> {
        let track = media::capture_track(kind, device.as_deref()).await?;
        self.local.set_track(kind == Kind::Audio, Some(track));
        Ok(kind)
    }

    /// A camera or microphone command, from the join screen or the call,
    /// applied to local capture and shown; what it changed is for the call
    /// to put on its connections and announce.
    pub(super) async fn device(&mut self, cmd: Command) -> Applied {
        let switched = match cmd {
            // Muted by the host: only the host lets us speak again.
            Command::SetMic(true) if self.hold.mic => return Applied::Nothing,
            Command::SetCamera(true) if self.hold.camera => return Applied::Nothing,
            // The gallery opens no device, whatever is asked.
            _ if self.watch_only => return Applied::Nothing,
            Command::SetMic(on) => {
                let mut result = Ok(None);
                if on && self.local.audio().is_none() {
                    self.local.mic_on = true;
                    let mic = self.local.mic_id.clone();
                    result = self.switch_device(Kind::Audio, mic).await.map(Some);
                }
                self.local.set_mic_on(on);
                result
            }
            Command::SetCamera(true) if !self.local.camera_on() => {
                let camera = self.local.camera_id.clone();
                self.switch_device(Kind::Video, camera).await.map(Some)
            }
            Command::SetCamera(false) if self.local.camera_on() => {
                self.local.set_track(false, None);
                Ok(Some(Kind::Video))
            }
            Command::SetCamera(_) => Ok(None),
            Command::SelectMic(id) => self.switch_device(Kind::Audio, Some(id)).await.map(Some),
            Command::SelectCamera(id) if self.local.camera_on() => {
                self.switch_device(Kind::Video, Some(id)).await.map(Some)
            }
            Command::SelectCamera(id) => {
                // Camera off: remember the choice for when it is turned on.
                self.local.camera_id = Some(id);
                Ok(None)
            }
            Command::RetryMedia => {
                self.capture().await;
                return Applied::Nothing;
            }
            _ => return Applied::Nothing,
        };
        self.emit(Action::MediaReady {
            stream: self.local.preview(),
            camera_id: self.local.camera_id.clone(),
            mic_id: self.local.mic_id.clone(),
        });
        self.emit_toggles();
        match switched {
            Ok(replaced) => Applied::Changed(replaced),
            Err(err) => {
                self.emit(Action::DeviceFailed(err));
                Applied::Changed(None)
            }
        }
    }

    pub(super) async fn replace_on_peers(&self, audio: bool) {
        let track = if audio {
            self.local.audio()
        } else {
            self.local.video()
        };
        for peer in self.peers.values() {
            if let Err(err) = peer.replace(audio, track).await {
                js::warn("replaceTrack", &err);
            }
        }
    }

    pub(super) async fn set_screen(&mut self, on: bool) {
        if on == self.local.screen().is_some() {
            return;
        }
        if on {
            let stream = match media::capture_screen().await {
                Ok(stream) => stream,
                Err(
                    MediaError::PermissionDenied | MediaError::DeviceBusy | MediaError::NoDevice,
                ) => {
                    return self.emit(Action::ShareRefused);
                }
                Err(err) => return self.emit(Action::MediaFailed(err)),
            };
            let Some(track) = media::first_track(&stream, Kind::Video) else {
                return;
            };
            let send = self.sender();
            let ended = Closure::<dyn FnMut()>::new(move || send(Event::ScreenEnded));
            track.set_onended(Some(ended.as_ref().unchecked_ref()));
            self.screen_ended = Some(ended);
            self.local.set_screen(Some((track, Clone::clone(&stream))));
            self.watch_screen(Some(&stream));
            self.emit(Action::LocalScreen(Some(stream)));
        } else {
            if let Some((track, _)) = self.local.screen() {
                track.set_onended(None);
            }
            self.local.set_screen(None);
            self.watch_screen(None);
            self.screen_ended = None;
            self.emit(Action::LocalScreen(None));
        }
        // Announce before renegotiating so receivers know the screen's stream id
        // by the time its track arrives (the server keeps our messages in order).
        self.announce();
        for peer in self.peers.values_mut() {
            peer.set_screen(self.local.screen());
        }
    }

    pub(super) fn announce(&mut self) {
        if self.name.is_some() {
            self.send(ClientMsg::Media {
                media: self.media_state(),
            });
        }
    }
}
