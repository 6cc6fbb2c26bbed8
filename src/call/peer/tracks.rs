//! What a [`Peer`] sends and plays: encoder plans by `setParameters`,
//! track swaps without renegotiation, the screen share's sender, received
//! tracks sorted into the main stream or the screen, and the host's holds
//! applied to what is played here.

use super::{Peer, Received};
use crate::call::js::{self, wait};
use crate::call::limits::SendPlan;
use crate::call::media::stream_of;
use crate::call::stats;
use sala_ladder::Counters;
use sala_protocol::Hold;
use wasm_bindgen::prelude::*;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcPriorityType, RtcRtpEncodingParameters, RtcRtpSender,
};

/// `getParameters()`, `edit` every encoding, `setParameters()`.
async fn set_encodings(
    sender: &RtcRtpSender,
    edit: impl Fn(&RtcRtpEncodingParameters) -> Result<(), JsValue>,
) -> Result<(), JsValue> {
    let params = sender.get_parameters();
    let Some(encodings) = params.get_encodings().filter(|e| e.length() > 0) else {
        return Ok(());
    };
    for e in encodings.iter() {
        edit(e.unchecked_ref())?;
    }
    wait(sender.set_parameters_with_parameters(&params))
        .await
        .map(drop)
}

impl Peer {
    /// Puts `plan` on this connection's encoders: camera and screen paused or
    /// capped, audio first on the wire and capped on the lowest tier. Senders
    /// with no encodings yet (before the first negotiation) are left alone;
    /// the engine applies the plan again once the connection is up.
    pub async fn apply(&self, plan: SendPlan) -> Result<(), JsValue> {
        for (sender, limits) in [(&self.video, plan.camera), (&self.screen, plan.screen)] {
            let Some(sender) = sender else { continue };
            set_encodings(sender, |e| {
                e.set_active(limits.is_some());
                if let Some(l) = limits {
                    e.set_max_bitrate(l.max_bitrate);
                    e.set_scale_resolution_down_by(l.scale_down);
                    js::set_max_framerate(e, l.max_framerate)?;
                }
                Ok(())
            })
            .await?;
        }
        if let Some(sender) = &self.audio {
            set_encodings(sender, |e| {
                e.set_priority(RtcPriorityType::High);
                js::set_network_priority_high(e)?;
                js::set_optional_max_bitrate(e, plan.audio_max_bitrate)
            })
            .await?;
        }
        Ok(())
    }

    /// The connection's statistics, read into counters.
    pub async fn counters(&self) -> Result<Counters, JsValue> {
        Ok(stats::read(&wait(self.pc.get_stats()).await?))
    }

    /// Swaps the microphone or camera track without renegotiating.
    pub async fn replace(
        &self,
        audio: bool,
        track: Option<&MediaStreamTrack>,
    ) -> Result<(), JsValue> {
        let sender = if audio { &self.audio } else { &self.video };
        match sender {
            Some(s) => wait(s.replace_track(track)).await.map(drop),
            None => Ok(()),
        }
    }

    /// Starts or stops sending a screen share (renegotiates through `negotiationneeded`).
    pub fn set_screen(&mut self, screen: Option<(&MediaStreamTrack, &MediaStream)>) {
        match (screen, self.screen.take()) {
            (Some((track, stream)), None) => {
                self.screen = Some(self.pc.add_track_0(track, stream));
            }
            (None, Some(sender)) => self.pc.remove_track(&sender),
            (_, kept) => self.screen = kept,
        }
    }

    /// Sorts a received track into the main stream or the screen share.
    pub fn receive_track(
        &mut self,
        track: MediaStreamTrack,
        stream: Option<MediaStream>,
    ) -> Received {
        if let (Some(stream), Some(screen)) = (&stream, &self.remote_screen) {
            if stream.id() == screen.as_str() {
                return Received::Screen(Clone::clone(stream));
            }
        }
        match track.kind().as_str() {
            "audio" => self.remote_audio = Some(track),
            _ => self.remote_video = Some(track),
        }
        self.apply_hold();
        let tracks: Vec<&MediaStreamTrack> = self
            .remote_audio
            .iter()
            .chain(self.remote_video.iter())
            .collect();
        Received::Main(stream_of(&tracks))
    }

    /// The host's hold on the remote participant: its held tracks play
    /// silence and black here, whatever its client sends.
    pub fn hold(&self) -> Hold {
        self.hold
    }

    pub fn set_hold(&mut self, hold: Hold) {
        self.hold = hold;
        self.apply_hold();
    }

    fn apply_hold(&self) {
        if let Some(track) = &self.remote_audio {
            track.set_enabled(!self.hold.mic);
        }
        if let Some(track) = &self.remote_video {
            track.set_enabled(!self.hold.camera);
        }
    }
}
