//! What this browser captures. Owns the tracks: dropping it stops them all.

use super::media::{device_id, stop_all, stream_of};
use sala_protocol::{MediaState, QualityTier, StreamId};
use web_sys::{MediaStream, MediaStreamTrack};

pub struct LocalMedia {
    /// Stable stream object: its id is the `msid` peers see for our camera and mic.
    stream: MediaStream,
    audio: Option<MediaStreamTrack>,
    video: Option<MediaStreamTrack>,
    screen: Option<(MediaStreamTrack, MediaStream)>,
    pub mic_on: bool,
    pub camera_id: Option<String>,
    pub mic_id: Option<String>,
}

impl LocalMedia {
    pub fn empty() -> Self {
        Self {
            stream: stream_of(&[]),
            audio: None,
            video: None,
            screen: None,
            mic_on: true,
            camera_id: None,
            mic_id: None,
        }
    }

    pub fn stream(&self) -> &MediaStream {
        &self.stream
    }

    pub fn audio(&self) -> Option<&MediaStreamTrack> {
        self.audio.as_ref()
    }

    pub fn video(&self) -> Option<&MediaStreamTrack> {
        self.video.as_ref()
    }

    pub fn camera_on(&self) -> bool {
        self.video.is_some()
    }

    pub fn screen(&self) -> Option<(&MediaStreamTrack, &MediaStream)> {
        self.screen.as_ref().map(|(t, s)| (t, s))
    }

    /// Installs a new microphone (`audio`) or camera track, stopping the old one.
    pub fn set_track(&mut self, audio: bool, track: Option<MediaStreamTrack>) {
        let slot = if audio {
            &mut self.audio
        } else {
            &mut self.video
        };
        if let Some(old) = slot.take() {
            old.stop();
            self.stream.remove_track(&old);
        }
        if let Some(track) = &track {
            self.stream.add_track(track);
            let id = device_id(track);
            if audio {
                track.set_enabled(self.mic_on);
                self.mic_id = id.or(self.mic_id.take());
            } else {
                self.camera_id = id.or(self.camera_id.take());
            }
        }
        *slot = track;
    }

    pub fn set_mic_on(&mut self, on: bool) {
        self.mic_on = on;
        if let Some(track) = &self.audio {
            track.set_enabled(on);
        }
    }

    /// Replaces the screen share, stopping the previous one.
    pub fn set_screen(&mut self, screen: Option<(MediaStreamTrack, MediaStream)>) {
        if let Some((track, _)) = self.screen.take() {
            track.stop();
        }
        self.screen = screen;
    }

    /// A fresh stream object with the current mic and camera tracks, for views.
    pub fn preview(&self) -> MediaStream {
        let tracks: Vec<&MediaStreamTrack> = self.audio.iter().chain(self.video.iter()).collect();
        stream_of(&tracks)
    }

    /// What we announce to the others.
    pub fn announce(&self) -> MediaState {
        MediaState {
            mic: self.mic_on && self.audio.is_some(),
            camera: self.camera_on(),
            screen: self
                .screen
                .as_ref()
                .and_then(|(_, s)| StreamId::try_from(s.id()).ok()),
            tier: QualityTier::VideoHigh,
            receive: QualityTier::VideoHigh,
            stills_for: Vec::new(),
        }
    }
}

impl Drop for LocalMedia {
    fn drop(&mut self) {
        stop_all(&self.stream);
        self.set_screen(None);
    }
}
