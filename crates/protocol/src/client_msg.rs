//! Client → server messages over the WebSocket.

use crate::{
    ChatText, ConsultationId, DeckId, DisplayName, Hold, HolderKey, HostKey, InviteToken, Language,
    MediaState, MeetingId, OathForm, PeerId, ResumeToken, Role, Signal, SlidePage,
};
use serde::{Deserialize, Serialize};

/// [`ClientMsg::Join`]: who joins which meeting, by which right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Join {
    pub protocol: u32,
    pub meeting: MeetingId,
    pub name: DisplayName,
    pub media: MediaState,
    /// Host key from the host link; absent for guests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_key: Option<HostKey>,
    /// Present when reconnecting within the grace period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<ResumeToken>,
    /// A signed invitation from an invite link (its URL fragment): it
    /// gives its role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<InviteToken>,
    /// This browser's key (see [`HolderKey`]): binds a single-use
    /// `invite` to it, and someone removed is refused by it, whatever
    /// link it comes by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<HolderKey>,
}

/// Client → server messages over the WebSocket. A variant with many fields
/// carries them in a struct of its own (same JSON: the struct's fields sit
/// beside the tag), so code can pass the message's payload whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// First message on every socket.
    Join(Join),
    /// Relay `signal` to one other peer of the meeting.
    Signal { to: PeerId, signal: Signal },
    /// Announce a change of what this client sends.
    Media { media: MediaState },
    /// Liveness probe; answered with [`ServerMsg::Pong`](crate::ServerMsg::Pong).
    /// `rtt_ms` is the round trip of the previous one, shown to the host
    /// while in the lobby.
    Ping {
        nonce: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rtt_ms: Option<u32>,
    },
    /// Present an uploaded deck from `page` (0-based); takes over from anyone
    /// presenting. Everyone gets [`ServerMsg::Presentation`](crate::ServerMsg::Presentation).
    Present { deck: DeckId, page: u32 },
    /// The presenter shows another page of its deck.
    TurnPage { page: u32 },
    /// The presenter stops presenting.
    StopPresenting,
    /// A still of this client's screen share (uploaded first), for receivers
    /// whose link carries no video.
    ScreenStill { still: SlidePage },
    /// Leave the meeting for good (no resume).
    Leave,
    /// Host or co-host: send `peer` out of the meeting; its invitation stops
    /// working. Only the host may remove the host.
    Remove { peer: PeerId },
    /// Host or co-host: close the room to newcomers (`true`) or open it.
    /// Those inside stay, and may come back after a dropped connection.
    Lock { locked: bool },
    /// Host or co-host: end the meeting for everyone; nobody can join again.
    EndMeeting,
    /// Host or co-host: let `peer` in from the lobby (for a witness: call them).
    Admit { peer: PeerId },
    /// Host or co-host: let everyone waiting in (witnesses stay out: they
    /// are called one by one).
    AdmitAll,
    /// Host or co-host: turn `peer` away from the lobby.
    Deny { peer: PeerId },
    /// Host or co-host: send `peer` from the room back to the lobby (a
    /// witness whose testimony is over, or who must not hear the next one).
    Excuse { peer: PeerId },
    /// Host or co-host: newcomers who do not moderate wait in the lobby
    /// (`true`) or come straight in. A hearing's lobby cannot be turned off.
    SetLobby { on: bool },
    /// Host or co-host: switch off (or release) `peer`'s microphone and
    /// camera; `hold` is the whole new state. Moderators cannot be held.
    Hold { peer: PeerId, hold: Hold },
    /// Host or co-host: mute everyone but the host and co-hosts.
    MuteAll,
    /// Raise (`true`) or lower this participant's hand; raised hands are
    /// kept in the order they went up.
    RaiseHand { up: bool },
    /// Host or co-host: lower `peer`'s hand (it has been given the floor).
    LowerHand { peer: PeerId },
    /// Say `text` to everyone in the room (observers may not).
    Chat { text: ChatText },
    /// Host or co-host: ask a witness or an interpreter in the room to take
    /// the oath or make an affirmation.
    AskOath { peer: PeerId },
    /// The one asked takes the oath (or affirms) with the text in `lang`
    /// (the record keeps that text, from [`OathForm::text`]).
    TakeOath { form: OathForm, lang: Language },
    /// Host only: give `peer` another role (make a participant co-host, or
    /// take it back). Nobody is made host this way, and the host keeps it.
    SetRole { peer: PeerId, role: Role },
    /// Ask `with`, in the room, to a private consultation (counsel and
    /// client). The first who accepts goes out with the asker; others asked
    /// may join them. Neither may moderate or be in the public gallery.
    Consult { with: PeerId },
    /// The one asked accepts (`true`) or declines a consultation.
    AnswerConsult {
        consultation: ConsultationId,
        accept: bool,
    },
    /// Leave the private consultation and go back into the room.
    ReturnToRoom,
    /// Host or co-host: call everyone in `consultation` back into the room.
    EndConsultation { consultation: ConsultationId },
    /// `msg`, numbered: the server handles each `seq` once and answers
    /// [`ServerMsg::Ack`](crate::ServerMsg::Ack) once its effects are done (its record entries
    /// committed). A client keeps what is not acknowledged and sends it again
    /// after a resume, from the `acked` of its `Welcome` on; nothing it did
    /// while its socket was silently dead is lost, nothing is done twice.
    /// Numbers rise by one per message from 1; `msg` is never `Join`,
    /// `Ping` or another `Reliable`.
    Reliable { seq: u64, msg: Box<ClientMsg> },
}
