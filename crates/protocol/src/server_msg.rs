//! Server → client messages over the WebSocket.

use crate::{
    ChatMessage, Consultation, ConsultationId, ErrorCode, Hold, IceConfig, Knock, MediaState,
    MeetingInfo, OathForm, PeerId, PeerInfo, Presentation, ResumeToken, Role, Signal, SlidePage,
    Transport,
};
use serde::{Deserialize, Serialize};

/// Answer to a successful [`ClientMsg::Join`](crate::ClientMsg::Join).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub you: PeerInfo,
    pub meeting: MeetingInfo,
    /// Everyone already present; the newcomer offers to each of them.
    pub peers: Vec<PeerInfo>,
    /// Secret to present in the next `Join` after a dropped socket.
    pub resume: ResumeToken,
    /// True when this socket took over an earlier one of the same peer.
    pub resumed: bool,
    pub transport: Transport,
    /// Servers and policy for this participant's connections; TURN
    /// credentials in it are short-lived and come again with each welcome
    /// and [`ServerMsg::IceRefresh`]. (Boxed: the welcome is by far the
    /// largest message, and every queued message is as large as it.)
    pub ice: Box<IceConfig>,
    /// The deck being presented, if any.
    #[serde(default)]
    pub presentation: Option<Presentation>,
    /// For the host and co-hosts: who waits in the lobby.
    #[serde(default)]
    pub lobby: Vec<Knock>,
    /// Newcomers wait in the lobby.
    #[serde(default)]
    pub lobby_on: bool,
    /// Raised hands, first raised first.
    #[serde(default)]
    pub hands: Vec<PeerId>,
    /// The room's chat so far (the latest [`CHAT_HISTORY`](crate::CHAT_HISTORY) messages).
    #[serde(default)]
    pub chat: Vec<ChatMessage>,
    /// `Some` when this welcome is into a private consultation: `peers`
    /// are the others in it, and nothing of the room comes until the
    /// welcome back into the room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation: Option<ConsultationId>,
    /// Who is out of the room in a private consultation.
    #[serde(default)]
    pub consultations: Vec<Consultation>,
    /// The last [`ClientMsg::Reliable`](crate::ClientMsg::Reliable) this
    /// participant's messages were handled up to (0 for none): resend what
    /// follows.
    #[serde(default)]
    pub acked: u64,
}

impl Welcome {
    /// A fresh session's welcome into an empty room that nothing is going
    /// on in: set the rest with struct update syntax
    /// (`Welcome { peers, ..Welcome::new(..) }`), so that the field list
    /// is written here only.
    pub fn new(you: PeerInfo, meeting: MeetingInfo, resume: ResumeToken, ice: IceConfig) -> Self {
        Self {
            protocol: crate::PROTOCOL_VERSION,
            you,
            meeting,
            peers: Vec::new(),
            resume,
            resumed: false,
            transport: Transport::Mesh,
            ice: Box::new(ice),
            presentation: None,
            lobby: Vec::new(),
            lobby_on: false,
            hands: Vec::new(),
            chat: Vec::new(),
            consultation: None,
            consultations: Vec::new(),
            acked: 0,
        }
    }
}

/// Answer to a `Join` that must wait in the lobby, and what a participant
/// sent back to the lobby gets. Nothing of the room reaches a waiting
/// client: no roster, no media, no slides. `Welcome` follows once the
/// host lets it in; a close with [`ErrorCode::Denied`] if not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub protocol: u32,
    pub you: PeerInfo,
    pub meeting: MeetingInfo,
    pub resume: ResumeToken,
    pub resumed: bool,
    /// As in `Welcome`.
    #[serde(default)]
    pub acked: u64,
}

/// Why a peer left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// It said [`ClientMsg::Leave`](crate::ClientMsg::Leave).
    Left,
    /// Its socket dropped and it did not come back within the grace period.
    Lost,
    /// The host or a co-host removed it.
    Removed,
    /// The host or a co-host sent it back to the lobby.
    Excused,
    /// It went out of the room into a private consultation.
    Consulting,
    /// It left the private consultation, back into the room.
    Returned,
}

/// Server → client messages over the WebSocket. A variant with many fields
/// carries them in a struct of its own (same JSON: the struct's fields sit
/// beside the tag), so code can pass the payload whole. The client decodes
/// them with [`TagFirst`](crate::TagFirst), by [`ServerMsgTag`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Answer to a successful join.
    Welcome(Welcome),
    /// Answer to a join that must wait in the lobby.
    Waiting(Waiting),
    /// To the host and co-hosts: `knock` waits in the lobby (new, or its
    /// link quality changed).
    Knocking {
        knock: Knock,
    },
    /// To the host and co-hosts: `peer` no longer waits (let in, turned
    /// away, or gone).
    KnockEnded {
        peer: PeerId,
    },
    /// The lobby was turned on or off.
    LobbySet {
        on: bool,
    },
    /// What the host holds of `peer` changed (to everyone in the room,
    /// `peer` too).
    PeerHold {
        peer: PeerId,
        hold: Hold,
    },
    /// The raised hands changed: the whole queue, first raised first.
    Hands {
        queue: Vec<PeerId>,
    },
    /// Someone said something in the room's chat (it is in the record).
    Chat {
        message: ChatMessage,
    },
    /// The host asked `peer` to take the oath or affirm (to everyone in the
    /// room; `peer` shows the text).
    OathAsked {
        peer: PeerId,
    },
    /// `peer` took the oath or affirmed.
    OathTaken {
        peer: PeerId,
        form: OathForm,
    },
    /// The host gave `peer` another role (to everyone in the room).
    PeerRole {
        peer: PeerId,
        role: Role,
    },
    /// `from` asks us to a private consultation.
    ConsultInvite {
        consultation: ConsultationId,
        from: PeerId,
    },
    /// `peer` declined our consultation (or can no longer come).
    ConsultDeclined {
        consultation: ConsultationId,
        peer: PeerId,
    },
    /// To everyone in the room: who is out in private consultations now.
    Consultations {
        list: Vec<Consultation>,
    },
    /// The [`ClientMsg::Reliable`](crate::ClientMsg::Reliable) numbered `seq`
    /// (and every one before it) is done.
    Ack {
        seq: u64,
    },
    PeerJoined {
        peer: PeerInfo,
    },
    PeerLeft {
        peer: PeerId,
        reason: LeaveReason,
    },
    PeerMedia {
        peer: PeerId,
        media: MediaState,
    },
    /// `peer`'s socket was replaced (it resumed its session). Signals relayed
    /// over the old socket, either way, may be lost: an offer still waiting
    /// for its answer should be sent again (a connection that still does
    /// not come up is replaced by its next [`Generation`](crate::Generation)).
    PeerResumed {
        peer: PeerId,
    },
    /// Fresh TURN credentials (and this participant's policy), before the
    /// ones from the welcome expire: for connections made from now on and
    /// for ICE restarts.
    IceRefresh {
        ice: IceConfig,
    },
    Signal {
        from: PeerId,
        signal: Signal,
    },
    Pong {
        nonce: u32,
    },
    /// A deck started or stopped being presented, or its page turned.
    Presentation {
        presentation: Option<Presentation>,
    },
    /// The latest still of `peer`'s screen share (also sent to a newcomer
    /// after `Welcome`).
    ScreenStill {
        peer: PeerId,
        still: SlidePage,
    },
    /// The room was locked or opened (also sent to a newcomer after `Welcome`
    /// while it is locked).
    RoomLocked {
        locked: bool,
    },
    /// Something the client sent was refused. When [`ErrorCode::close_code`] is
    /// `Some`, the server closes the socket with that code right after.
    Error {
        error: ErrorCode,
    },
}

/// The `type` of a [`ServerMsg`], as a value. The client's decoder
/// ([`TagFirst`](crate::TagFirst)) reads it first, then matches on it with no
/// wildcard: a new `ServerMsg` variant does not compile until [`ServerMsg::tag`]
/// names its tag, and then not until the decoder reads its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMsgTag {
    Welcome,
    Waiting,
    Knocking,
    KnockEnded,
    LobbySet,
    PeerHold,
    Hands,
    Chat,
    OathAsked,
    OathTaken,
    PeerRole,
    ConsultInvite,
    ConsultDeclined,
    Consultations,
    Ack,
    PeerJoined,
    PeerLeft,
    PeerMedia,
    PeerResumed,
    IceRefresh,
    Signal,
    Pong,
    Presentation,
    ScreenStill,
    RoomLocked,
    Error,
}

impl ServerMsg {
    /// Its `type` on the wire.
    pub fn tag(&self) -> ServerMsgTag {
        match self {
            Self::Welcome(_) => ServerMsgTag::Welcome,
            Self::Waiting(_) => ServerMsgTag::Waiting,
            Self::Knocking { .. } => ServerMsgTag::Knocking,
            Self::KnockEnded { .. } => ServerMsgTag::KnockEnded,
            Self::LobbySet { .. } => ServerMsgTag::LobbySet,
            Self::PeerHold { .. } => ServerMsgTag::PeerHold,
            Self::Hands { .. } => ServerMsgTag::Hands,
            Self::Chat { .. } => ServerMsgTag::Chat,
            Self::OathAsked { .. } => ServerMsgTag::OathAsked,
            Self::OathTaken { .. } => ServerMsgTag::OathTaken,
            Self::PeerRole { .. } => ServerMsgTag::PeerRole,
            Self::ConsultInvite { .. } => ServerMsgTag::ConsultInvite,
            Self::ConsultDeclined { .. } => ServerMsgTag::ConsultDeclined,
            Self::Consultations { .. } => ServerMsgTag::Consultations,
            Self::Ack { .. } => ServerMsgTag::Ack,
            Self::PeerJoined { .. } => ServerMsgTag::PeerJoined,
            Self::PeerLeft { .. } => ServerMsgTag::PeerLeft,
            Self::PeerMedia { .. } => ServerMsgTag::PeerMedia,
            Self::PeerResumed { .. } => ServerMsgTag::PeerResumed,
            Self::IceRefresh { .. } => ServerMsgTag::IceRefresh,
            Self::Signal { .. } => ServerMsgTag::Signal,
            Self::Pong { .. } => ServerMsgTag::Pong,
            Self::Presentation { .. } => ServerMsgTag::Presentation,
            Self::ScreenStill { .. } => ServerMsgTag::ScreenStill,
            Self::RoomLocked { .. } => ServerMsgTag::RoomLocked,
            Self::Error { .. } => ServerMsgTag::Error,
        }
    }
}
