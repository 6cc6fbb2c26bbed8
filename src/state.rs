//! What the meeting page shows, as pure data: [`State`] + [`Action`] + `impl Reducible`.
//! The call engine (`crate::call`) dispatches actions; components only read.

mod reduce;
mod slides;

pub use slides::{rendition, DeckStatus, Slides, Upload};

use crate::error::{CallEnd, JoinFailure, MediaError};
use crate::sorted_map::{SortedMap, SortedSet};
pub use sala_ladder::DataSaver;
use sala_protocol::{
    ChatMessage, Consultation, ConsultationId, Knock, MeetingInfo, PeerId, PeerInfo, Presentation,
    QualityTier, ServerMsg, SlidePage, Welcome,
};
use std::rc::Rc;
use web_sys::MediaStream;
use yew::Reducible;

/// Where the user is in the life of a call.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// On the join screen: preview, devices, name; `Some` when the last
    /// Join did not go through, and why.
    PreJoin(Option<JoinFailure>),
    /// Join pressed, waiting for the server's welcome.
    Joining,
    /// In the lobby until the host lets us in (`excused`: sent back out of
    /// the room, as a witness between two calls; `reconnecting`: the socket
    /// dropped, we keep our place for a while).
    Waiting {
        excused: bool,
        reconnecting: bool,
    },
    InCall,
    /// Signaling socket lost; media keeps flowing while we reconnect.
    Reconnecting,
    Ended(CallEnd),
}

/// Capture of the local camera and microphone.
#[derive(Clone, Debug, PartialEq)]
pub enum MediaStatus {
    Requesting,
    Ready,
    Failed(MediaError),
    /// The public gallery watches and listens only: nothing is captured, so
    /// the browser asks for no camera or microphone.
    WatchOnly,
}

/// A capture device the user can pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Devices {
    pub cameras: Vec<Device>,
    pub mics: Vec<Device>,
}

/// State of the media connection to one remote participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Connected,
    /// Failed or disconnected; an ICE restart is under way.
    Retrying,
}

/// A remote participant and what we receive from them.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    pub info: PeerInfo,
    /// Their microphone and camera.
    pub main: Option<MediaStream>,
    /// Their screen share, while they share.
    pub screen: Option<MediaStream>,
    pub link: Link,
}

/// What this browser captures and sends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Local {
    /// Microphone + camera stream (for the preview and the own tile).
    pub stream: Option<MediaStream>,
    pub mic: bool,
    pub camera: bool,
    pub screen: Option<MediaStream>,
    pub camera_id: Option<String>,
    pub mic_id: Option<String>,
    /// The last screen-share attempt was refused.
    pub share_refused: bool,
    /// Switching to another camera or microphone failed; the previous one is still in use.
    pub device_error: Option<MediaError>,
}

/// Where this participant stands on the quality ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quality {
    /// What we send at.
    pub send: QualityTier,
    /// The most we take in.
    pub receive: QualityTier,
    pub saver: DataSaver,
    /// Bytes sent and received over the last hour.
    pub bytes_last_hour: u64,
}

impl Default for Quality {
    fn default() -> Self {
        Self {
            send: QualityTier::VideoHigh,
            receive: QualityTier::VideoHigh,
            saver: DataSaver::Auto,
            bytes_last_hour: 0,
        }
    }
}

impl Quality {
    /// The tier that limits what this participant sees and shows: the lower one.
    pub fn tier(&self) -> QualityTier {
        self.send.min(self.receive)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub phase: Phase,
    pub media: MediaStatus,
    pub local: Local,
    pub devices: Devices,
    pub me: Option<PeerInfo>,
    pub meeting: Option<MeetingInfo>,
    pub peers: SortedMap<PeerId, Participant>,
    pub quality: Quality,
    pub slides: Slides,
    /// The host or a co-host closed the room to newcomers.
    pub locked: bool,
    /// Who waits in the lobby (shown to the host and co-hosts), in order of arrival.
    pub lobby: Vec<Knock>,
    /// Newcomers wait in the lobby.
    pub lobby_on: bool,
    /// Raised hands, first raised first.
    pub hands: Vec<PeerId>,
    /// The room's chat, oldest first. Shared: every action copies the
    /// state, and a long hearing's chat is not copied with it.
    pub chat: Rc<Vec<ChatMessage>>,
    /// Asked to take the oath and not yet done (us, perhaps).
    pub oath_asked: SortedSet<PeerId>,
    /// We are out of the room in this private consultation: `peers` are
    /// the others in it.
    pub consultation: Option<ConsultationId>,
    /// Who is out of the room in private consultations (seen from the room).
    pub consultations: Vec<Consultation>,
    /// Private consultations we are asked to, and by whom.
    pub consult_invites: SortedMap<ConsultationId, PeerId>,
    /// Who declined (or could not come to) a consultation we asked for,
    /// until we dismiss it.
    pub consult_declined: Vec<PeerInfo>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            phase: Phase::PreJoin(None),
            media: MediaStatus::Requesting,
            local: Local {
                mic: true,
                camera: true,
                ..Local::default()
            },
            devices: Devices::default(),
            me: None,
            meeting: None,
            peers: SortedMap::new(),
            quality: Quality::default(),
            slides: Slides::default(),
            locked: false,
            lobby: Vec::new(),
            lobby_on: false,
            hands: Vec::new(),
            chat: Rc::default(),
            oath_asked: SortedSet::new(),
            consultation: None,
            consultations: Vec::new(),
            consult_invites: SortedMap::new(),
            consult_declined: Vec::new(),
        }
    }
}

/// Everything that changes [`State`].
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    MediaRequesting,
    MediaReady {
        stream: MediaStream,
        camera_id: Option<String>,
        mic_id: Option<String>,
    },
    MediaFailed(MediaError),
    /// We watch and listen only (the public gallery): nothing captured.
    WatchOnly,
    DeviceFailed(MediaError),
    Devices(Devices),
    LocalToggles {
        mic: bool,
        camera: bool,
    },
    LocalScreen(Option<MediaStream>),
    ShareRefused,
    Joining,
    /// Join pressed, but the in-call code did not arrive (`crate::joined`).
    NotLoaded,
    /// Into the room or a private consultation (`consultation` is `Some`):
    /// the server's welcome, less its ICE servers and presentation, which
    /// the engine keeps (the presentation comes as its own action).
    Welcome(Welcome),
    /// What the server said, as it said it, where the page shows no more
    /// than that (a knock, a hand, a chat line, a role…); the engine may
    /// have acted on it first.
    Server(ServerMsg),
    /// We wait in the lobby.
    Waiting {
        me: PeerInfo,
        meeting: MeetingInfo,
        excused: bool,
    },
    /// We answered (or the invitation lapsed).
    ConsultAnswered(ConsultationId),
    /// The notice of a decline was read.
    DismissDeclined(PeerId),
    Reconnecting,
    RemoteMain(PeerId, MediaStream),
    RemoteScreen(PeerId, MediaStream),
    Link(PeerId, Link),
    Quality {
        send: QualityTier,
        receive: QualityTier,
    },
    DataSaver(DataSaver),
    Usage {
        bytes_last_hour: u64,
    },
    Presentation(Option<Presentation>),
    Deck(DeckStatus),
    ScreenStill(PeerId, SlidePage),
    /// A page image arrived: its server path and object URL.
    SlideImage(String, String),
    Upload(Upload),
    Ended(CallEnd),
}

impl State {
    /// Who is presenting a screen now: a remote peer, or `None` for ourselves or nobody.
    pub fn presenter(&self) -> Option<&Participant> {
        self.peers.values().find(|p| p.screen.is_some())
    }
}

#[cfg(test)]
mod tests;
