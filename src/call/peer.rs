//! One `RTCPeerConnection` to one remote participant, negotiated with the W3C
//! "perfect negotiation" pattern (roles in `sala_protocol`'s crate docs).
//!
//! The engine calls every method from its single event loop, one at a time, so
//! no two negotiation steps of a peer ever interleave.

mod tracks;

use super::attempt::Attempt;
use super::js::{self, wait};
use super::local::LocalMedia;
use super::sdp;
use js_sys::Array;
use sala_protocol::{Hold, IceConfig, IcePolicy, PeerId, QualityTier, SdpType, Signal, StreamId};
use wasm_bindgen::prelude::*;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit, RtcIceServer,
    RtcIceTransportPolicy, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcPeerConnectionState,
    RtcRtpSender, RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType,
    RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
};

/// What a peer connection reports to the engine.
#[derive(Debug)]
pub enum PeerEvent {
    NegotiationNeeded,
    Candidate(Signal),
    Track {
        track: MediaStreamTrack,
        stream: Option<MediaStream>,
    },
    State(RtcPeerConnectionState),
}

/// A received stream, classified.
pub enum Received {
    Main(MediaStream),
    Screen(MediaStream),
}

type Handler = Closure<dyn FnMut(JsValue)>;

pub struct Peer {
    pc: RtcPeerConnection,
    polite: bool,
    ignore_offer: bool,
    audio: Option<RtcRtpSender>,
    video: Option<RtcRtpSender>,
    screen: Option<RtcRtpSender>,
    remote_audio: Option<MediaStreamTrack>,
    remote_video: Option<MediaStreamTrack>,
    /// Stream id the remote side announced for its screen share.
    pub remote_screen: Option<StreamId>,
    /// Highest tier the remote side's downlink takes (it announces it).
    pub remote_receive: QualityTier,
    /// Tier the remote side sends at (it announces it).
    pub remote_send: QualityTier,
    /// What the host holds of the remote participant: its held media is
    /// received but not played (a modified client may send it anyway).
    hold: Hold,
    /// Audio packet time we ask the remote side for, with FEC and DTX (see
    /// `sdp.rs`); `None` leaves the browser's own audio settings.
    pub ptime_ms: Option<u32>,
    /// Which connection to this participant this is, and how long it has been down.
    pub attempt: Attempt,
    _handlers: [Handler; 4],
}

fn sdp_type(t: SdpType) -> RtcSdpType {
    match t {
        SdpType::Offer => RtcSdpType::Offer,
        SdpType::Answer => RtcSdpType::Answer,
        SdpType::Pranswer => RtcSdpType::Pranswer,
        SdpType::Rollback => RtcSdpType::Rollback,
    }
}

fn from_sdp_type(t: RtcSdpType) -> Option<SdpType> {
    Some(match t {
        RtcSdpType::Offer => SdpType::Offer,
        RtcSdpType::Answer => SdpType::Answer,
        RtcSdpType::Pranswer => SdpType::Pranswer,
        RtcSdpType::Rollback => SdpType::Rollback,
        _ => return None,
    })
}

fn configuration(ice: &IceConfig) -> RtcConfiguration {
    let config = RtcConfiguration::new();
    let servers: Array = ice
        .servers
        .iter()
        .map(|s| {
            let server = RtcIceServer::new();
            let urls: Array = s.urls.iter().map(|u| JsValue::from_str(u)).collect();
            server.set_urls(&urls);
            if let Some(user) = &s.username {
                server.set_username(user);
            }
            if let Some(credential) = &s.credential {
                server.set_credential(credential);
            }
            JsValue::from(server)
        })
        .collect();
    config.set_ice_servers(&servers);
    config.set_ice_transport_policy(match ice.policy {
        IcePolicy::All => RtcIceTransportPolicy::All,
        IcePolicy::Relay => RtcIceTransportPolicy::Relay,
    });
    config
}

impl Peer {
    /// A connection to `remote`; `me` decides who is polite.
    pub fn new(
        me: PeerId,
        remote: PeerId,
        ice: &IceConfig,
        attempt: Attempt,
        report: impl Fn(PeerEvent) + Clone + 'static,
    ) -> Result<Self, JsValue> {
        let generation = attempt.generation();
        let pc = RtcPeerConnection::new_with_configuration(&configuration(ice))?;
        let on = |f: Box<dyn FnMut(JsValue)>| Closure::wrap(f);
        let r = report.clone();
        let negotiation = on(Box::new(move |_| r(PeerEvent::NegotiationNeeded)));
        let r = report.clone();
        let candidate = on(Box::new(move |ev: JsValue| {
            let Some(c) = ev.unchecked_into::<RtcPeerConnectionIceEvent>().candidate() else {
                return;
            };
            r(PeerEvent::Candidate(Signal::Candidate {
                generation,
                candidate: c.candidate(),
                sdp_mid: c.sdp_mid(),
                sdp_m_line_index: c.sdp_m_line_index(),
            }));
        }));
        let r = report.clone();
        let track = on(Box::new(move |ev: JsValue| {
            let ev: RtcTrackEvent = ev.unchecked_into();
            let stream = ev.streams().get(0).dyn_into::<MediaStream>().ok();
            r(PeerEvent::Track {
                track: ev.track(),
                stream,
            });
        }));
        let state_pc = pc.clone();
        let state = on(Box::new(move |_| {
            report(PeerEvent::State(state_pc.connection_state()))
        }));
        pc.set_onnegotiationneeded(Some(negotiation.as_ref().unchecked_ref()));
        pc.set_onicecandidate(Some(candidate.as_ref().unchecked_ref()));
        pc.set_ontrack(Some(track.as_ref().unchecked_ref()));
        pc.set_onconnectionstatechange(Some(state.as_ref().unchecked_ref()));
        Ok(Self {
            pc,
            polite: me.is_polite_towards(remote),
            ignore_offer: false,
            audio: None,
            video: None,
            screen: None,
            remote_audio: None,
            remote_video: None,
            hold: Hold::default(),
            remote_screen: None,
            remote_receive: QualityTier::VideoHigh,
            remote_send: QualityTier::VideoHigh,
            ptime_ms: Some(sdp::NORMAL_PTIME_MS),
            attempt,
            _handlers: [negotiation, candidate, track, state],
        })
    }

    /// Offerer side: one audio and one video transceiver (sendrecv even without a
    /// track, so a camera turned on later needs no renegotiation), plus the screen.
    pub fn add_local_as_offerer(&mut self, local: &LocalMedia) {
        let init = RtcRtpTransceiverInit::new();
        init.set_direction(RtcRtpTransceiverDirection::Sendrecv);
        init.set_streams(&Array::of1(local.stream()));
        let add = |kind: &str, track: Option<&MediaStreamTrack>| match track {
            Some(t) => self
                .pc
                .add_transceiver_with_media_stream_track_and_init(t, &init)
                .sender(),
            None => self
                .pc
                .add_transceiver_with_str_and_init(kind, &init)
                .sender(),
        };
        self.audio = Some(add("audio", local.audio()));
        self.video = Some(add("video", local.video()));
        self.set_screen(local.screen());
    }

    /// Answerer side, after the first remote offer: send our tracks on the
    /// transceivers the offer created instead of adding new m-lines.
    fn attach_local_as_answerer(&mut self, local: &LocalMedia) {
        if self.audio.is_some() {
            return;
        }
        for t in self
            .pc
            .get_transceivers()
            .iter()
            .map(|t| t.unchecked_into::<web_sys::RtcRtpTransceiver>())
        {
            let (slot, track) = match t.receiver().track().kind().as_str() {
                "audio" if self.audio.is_none() => (&mut self.audio, local.audio()),
                "video" if self.video.is_none() => (&mut self.video, local.video()),
                _ => continue,
            };
            t.set_direction(RtcRtpTransceiverDirection::Sendrecv);
            let sender = t.sender();
            if let Some(track) = track {
                // Resolves at once for a transceiver not yet negotiated; errors surface on `State`.
                drop(sender.replace_track(Some(track)));
            }
            if let Err(err) = js::set_streams(&sender, local.stream()) {
                js::warn("setStreams", &err);
            }
            *slot = Some(sender);
        }
        self.set_screen(local.screen());
    }

    /// `negotiationneeded`: make an offer unless a negotiation is already under way
    /// (the browser fires again once the connection is back to stable).
    pub async fn negotiate(&mut self) -> Result<Option<Signal>, JsValue> {
        if self.pc.signaling_state() != RtcSignalingState::Stable {
            return Ok(None);
        }
        wait(js::set_local_description_implicit(&self.pc)).await?;
        Ok(self.local_description())
    }

    /// A signal from the remote side; returns the answer to send back, if any.
    pub async fn receive(
        &mut self,
        signal: Signal,
        local: &LocalMedia,
    ) -> Result<Option<Signal>, JsValue> {
        let ignored = self.ignores(&signal);
        match signal {
            Signal::Description {
                sdp_type: kind,
                sdp,
                ..
            } => {
                self.ignore_offer = ignored;
                if self.ignore_offer {
                    return Ok(None);
                }
                let init = RtcSessionDescriptionInit::new(sdp_type(kind));
                // The remote description's Opus wishes set how *we* send:
                // our own packet time, FEC and DTX go in before it is applied.
                init.set_sdp(&self.audio_prefs(&sdp));
                // For the polite side in `have-local-offer` this rolls our offer back.
                wait(self.pc.set_remote_description(&init)).await?;
                if kind != SdpType::Offer {
                    return Ok(None);
                }
                self.attach_local_as_answerer(local);
                wait(js::set_local_description_implicit(&self.pc)).await?;
                Ok(self.local_description())
            }
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
                ..
            } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                match wait(
                    self.pc
                        .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
                )
                .await
                {
                    Err(err) if !self.ignore_offer => Err(err),
                    _ => Ok(None),
                }
            }
        }
    }

    /// Our offer, if it still waits for an answer: after the signalling
    /// socket is replaced it may have been lost with the old one.
    pub fn pending_offer(&self) -> Option<Signal> {
        (self.pc.signaling_state() == RtcSignalingState::HaveLocalOffer)
            .then(|| self.local_description())
            .flatten()
    }

    fn local_description(&self) -> Option<Signal> {
        let desc = self.pc.local_description()?;
        Some(Signal::Description {
            generation: self.attempt.generation(),
            sdp_type: from_sdp_type(desc.type_())?,
            sdp: self.audio_prefs(&desc.sdp()),
        })
    }

    fn audio_prefs(&self, sdp: &str) -> String {
        match self.ptime_ms {
            Some(ptime) => sdp::with_audio_prefs(sdp, ptime),
            None => sdp.to_owned(),
        }
    }

    /// New servers, credentials or policy, for the next gathering (an ICE
    /// restart); the path in use stays until then.
    pub fn set_ice(&self, ice: &IceConfig) -> Result<(), JsValue> {
        self.pc
            .set_configuration_with_configuration(&configuration(ice))
    }

    pub fn restart_ice(&self) {
        js::restart_ice(&self.pc);
    }

    /// A remote offer that meets ours on the wire.
    fn collides(&self, signal: &Signal) -> bool {
        matches!(
            signal,
            Signal::Description {
                sdp_type: SdpType::Offer,
                ..
            }
        ) && self.pc.signaling_state() != RtcSignalingState::Stable
    }

    /// The impolite side of a collision: the remote offer is dropped.
    pub fn ignores(&self, signal: &Signal) -> bool {
        !self.polite && self.collides(signal)
    }

    /// The polite side of a collision with our first offer on this
    /// connection (nothing of the other side's applied yet: it, too, opened
    /// a connection and offered). Rolling ours back would leave our own
    /// transceivers beside the ones its offer makes; the engine opens a
    /// fresh connection to answer.
    pub fn yields_to(&self, signal: &Signal) -> bool {
        self.polite && self.collides(signal) && self.pc.current_remote_description().is_none()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.pc.set_onnegotiationneeded(None);
        self.pc.set_onicecandidate(None);
        self.pc.set_ontrack(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.close();
    }
}
