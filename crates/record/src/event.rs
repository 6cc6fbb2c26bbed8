//! What the record holds: one [`Event`] per entry, stored as JSON.

use sala_protocol::{
    ChatText, ConsultationId, DeckId, DisplayName, InviteId, InviteRefusal, Language, OathForm,
    PeerId, QualityTier, Role,
};
use serde::{Deserialize, Serialize};

use crate::Attendee;

/// Something that happened in a meeting, as the record keeps it.
///
/// The JSON shape (`#[serde(tag = "type")]`, snake_case) is part of the
/// record's format: a stored entry is verified against its exact text, and an
/// export is read by people and tools long after the hearing. Variants are
/// only ever added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A participant entered the meeting (with the invitation that let
    /// them in, if one did).
    Joined {
        peer: PeerId,
        name: DisplayName,
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite: Option<InviteId>,
    },
    /// A participant left on purpose (Leave, closed tab).
    Left { peer: PeerId, name: DisplayName },
    /// A participant's connection dropped; it may resume.
    Lost { peer: PeerId, name: DisplayName },
    /// A participant's dropped connection came back in time.
    Resumed { peer: PeerId, name: DisplayName },
    /// The host made an invitation.
    InviteCreated {
        invite: InviteId,
        role: Role,
        not_before_ms: i64,
        expires_ms: i64,
        single_use: bool,
    },
    /// The host withdrew an invitation.
    InviteRevoked { invite: InviteId },
    /// Someone was refused at the door: who they said they were, the
    /// invitation they held (if it could be read) and why.
    JoinRefused {
        name: DisplayName,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite: Option<InviteId>,
        reason: InviteRefusal,
    },
    /// The host or a co-host (`by`) sent a participant out; the invitation
    /// that let them in stops working.
    Removed {
        peer: PeerId,
        name: DisplayName,
        by: PeerId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite: Option<InviteId>,
    },
    /// The room was closed to newcomers (`locked`) or opened again.
    RoomLocked { locked: bool, by: PeerId },
    /// The meeting was ended for everyone; nobody can join it again.
    MeetingEnded { by: PeerId },
    /// Someone came to the door and waits in the lobby.
    Knocked {
        peer: PeerId,
        name: DisplayName,
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite: Option<InviteId>,
    },
    /// The host or a co-host (`by`) let a waiting participant in; for a
    /// witness, called them.
    Admitted {
        peer: PeerId,
        name: DisplayName,
        role: Role,
        by: PeerId,
    },
    /// The host or a co-host turned a waiting participant away.
    Denied {
        peer: PeerId,
        name: DisplayName,
        by: PeerId,
    },
    /// The host or a co-host sent a participant from the room back to the
    /// lobby (a witness excused).
    Excused {
        peer: PeerId,
        name: DisplayName,
        by: PeerId,
    },
    /// The lobby was turned on or off for newcomers.
    LobbySet { on: bool, by: PeerId },
    /// The host or a co-host switched a participant's microphone (`mic`)
    /// and camera (`camera`) off, or released them (`false`).
    Held {
        peer: PeerId,
        name: DisplayName,
        mic: bool,
        camera: bool,
        by: PeerId,
    },
    /// The host or a co-host muted everyone but the host and co-hosts.
    MutedAll { by: PeerId },
    /// A participant raised their hand.
    HandRaised { peer: PeerId, name: DisplayName },
    /// The host or a co-host asked a witness or an interpreter to take the
    /// oath or affirm.
    OathAsked {
        peer: PeerId,
        name: DisplayName,
        by: PeerId,
    },
    /// The participant took the oath or affirmed, acknowledging `text` (in
    /// `lang`) as it was shown.
    OathTaken {
        peer: PeerId,
        name: DisplayName,
        form: OathForm,
        lang: Language,
        text: String,
    },
    /// Said in the room's chat.
    Chat {
        peer: PeerId,
        name: DisplayName,
        text: ChatText,
    },
    /// A hand went down: lowered by its owner, or by the host or a co-host
    /// (`by`) giving the floor.
    HandLowered {
        peer: PeerId,
        name: DisplayName,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<PeerId>,
    },
    /// A participant showed page `page` (counted from 0) of a deck of
    /// `pages` to the room: started presenting, or turned the page.
    SlideShown {
        peer: PeerId,
        name: DisplayName,
        deck: DeckId,
        page: u32,
        pages: u32,
    },
    /// The deck a participant presented was put away (by them, or because
    /// they left the room).
    PresentationStopped { peer: PeerId, name: DisplayName },
    /// A participant started (`on`) or stopped sharing their screen.
    ScreenShared {
        peer: PeerId,
        name: DisplayName,
        on: bool,
    },
    /// What a participant's link carries changed: the tier it sends at, and
    /// the most it takes in.
    TierChanged {
        peer: PeerId,
        name: DisplayName,
        sends: QualityTier,
        receives: QualityTier,
    },
    /// The host gave a participant another role.
    RoleChanged {
        peer: PeerId,
        name: DisplayName,
        from: Role,
        to: Role,
        by: PeerId,
    },
    /// A participant asked another to a private consultation.
    ConsultationAsked {
        consultation: ConsultationId,
        peer: PeerId,
        name: DisplayName,
        with: PeerId,
        with_name: DisplayName,
    },
    /// The one asked declined a private consultation.
    ConsultationDeclined {
        consultation: ConsultationId,
        peer: PeerId,
        name: DisplayName,
    },
    /// A participant went out of the room into a private consultation.
    /// What is said there is not recorded.
    ConsultationEntered {
        consultation: ConsultationId,
        peer: PeerId,
        name: DisplayName,
    },
    /// A participant came back from a private consultation, by themselves
    /// or called back by the host or a co-host (`by`).
    ConsultationLeft {
        consultation: ConsultationId,
        peer: PeerId,
        name: DisplayName,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<PeerId>,
    },
    /// Someone was refused at the door before any invitation was read: a
    /// host key that is not this meeting's, or a join whose keys or tokens
    /// were not well formed (`name` if it could be read).
    DoorRefused {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<DisplayName>,
        reason: DoorRefusal,
    },
    /// The meeting's room started again after it had stopped without a
    /// word (the server stopped or crashed, or the record refused an
    /// entry): those `dropped` were in it and lost their connection then.
    RoomRestarted { dropped: Vec<Attendee> },
}

/// Why someone was refused at the door before any invitation was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoorRefusal {
    /// A host key that is not this meeting's.
    WrongHostKey,
    /// A join that did not parse: a malformed key, token or name.
    Malformed,
}

impl Event {
    /// One line for a person reading the record.
    pub fn describe(&self) -> String {
        match self {
            Self::Joined {
                peer,
                name,
                role,
                invite,
            } => format!(
                "{name} (participant {}) joined as {}{}",
                peer.0,
                role_name(*role),
                with_invitation(invite.as_ref())
            ),
            Self::Left { peer, name } => format!("{name} (participant {}) left", peer.0),
            Self::Lost { peer, name } => {
                format!("{name} (participant {}) lost the connection", peer.0)
            }
            Self::Resumed { peer, name } => {
                format!("{name} (participant {}) reconnected", peer.0)
            }
            Self::InviteCreated {
                invite,
                role,
                single_use,
                ..
            } => format!(
                "invitation {invite} made for the role of {}{}",
                role_name(*role),
                if *single_use { ", for one person" } else { "" }
            ),
            Self::InviteRevoked { invite } => format!("invitation {invite} withdrawn"),
            Self::JoinRefused {
                name,
                invite,
                reason,
            } => format!(
                "{name} was refused{}: {reason}",
                with_invitation(invite.as_ref())
            ),
            Self::Removed { peer, name, by, .. } => format!(
                "{name} (participant {}) was removed by participant {}",
                peer.0, by.0
            ),
            Self::RoomLocked { locked: true, by } => {
                format!("participant {} locked the meeting", by.0)
            }
            Self::RoomLocked { locked: false, by } => {
                format!("participant {} opened the meeting again", by.0)
            }
            Self::MeetingEnded { by } => format!("participant {} ended the meeting", by.0),
            Self::Knocked {
                peer,
                name,
                role,
                invite,
            } => format!(
                "{name} (participant {}) waits in the lobby as {}{}",
                peer.0,
                role_name(*role),
                with_invitation(invite.as_ref())
            ),
            Self::Admitted {
                peer,
                name,
                role: Role::Witness,
                by,
            } => format!(
                "participant {} called the witness {name} (participant {}) in",
                by.0, peer.0
            ),
            Self::Admitted { peer, name, by, .. } => format!(
                "participant {} let {name} (participant {}) in",
                by.0, peer.0
            ),
            Self::Denied { peer, name, by } => format!(
                "participant {} turned {name} (participant {}) away",
                by.0, peer.0
            ),
            Self::Excused { peer, name, by } => format!(
                "participant {} excused {name} (participant {}) to the lobby",
                by.0, peer.0
            ),
            Self::LobbySet { on: true, by } => {
                format!("participant {} turned the lobby on", by.0)
            }
            Self::LobbySet { on: false, by } => {
                format!("participant {} turned the lobby off", by.0)
            }
            Self::Held {
                peer,
                name,
                mic,
                camera,
                by,
            } => {
                let what = match (mic, camera) {
                    (true, true) => "muted and stopped the camera of",
                    (true, false) => "muted",
                    (false, true) => "stopped the camera of",
                    (false, false) => "let speak and show again",
                };
                format!(
                    "participant {} {what} {name} (participant {})",
                    by.0, peer.0
                )
            }
            Self::MutedAll { by } => format!("participant {} muted everyone", by.0),
            Self::OathAsked { peer, name, by } => format!(
                "participant {} asked {name} (participant {}) to take the oath or affirm",
                by.0, peer.0
            ),
            Self::OathTaken {
                peer,
                name,
                form,
                lang,
                text,
            } => format!(
                "{name} (participant {}) {} in {}: \"{text}\"",
                peer.0,
                match form {
                    OathForm::Oath => "took the oath",
                    OathForm::Affirmation => "affirmed",
                },
                match lang {
                    Language::En => "English",
                    Language::Km => "Khmer",
                }
            ),
            Self::Chat { peer, name, text } => {
                format!("{name} (participant {}) said: {text}", peer.0)
            }
            Self::HandRaised { peer, name } => {
                format!("{name} (participant {}) raised their hand", peer.0)
            }
            Self::HandLowered {
                peer,
                name,
                by: None,
            } => format!("{name} (participant {}) lowered their hand", peer.0),
            Self::HandLowered {
                peer,
                name,
                by: Some(by),
            } => format!(
                "participant {} lowered the hand of {name} (participant {})",
                by.0, peer.0
            ),
            Self::SlideShown {
                peer,
                name,
                deck,
                page,
                pages,
            } => format!(
                "{name} (participant {}) showed page {} of {pages} of deck {deck}",
                peer.0,
                page + 1
            ),
            Self::PresentationStopped { peer, name } => {
                format!("{name} (participant {}) stopped presenting", peer.0)
            }
            Self::ScreenShared { peer, name, on } => format!(
                "{name} (participant {}) {} sharing their screen",
                peer.0,
                if *on { "started" } else { "stopped" }
            ),
            Self::TierChanged {
                peer,
                name,
                sends,
                receives,
            } => format!(
                "{name} (participant {}) now sends {} and receives up to {}",
                peer.0,
                tier_name(*sends),
                tier_name(*receives)
            ),
            Self::RoleChanged {
                peer,
                name,
                from,
                to,
                by,
            } => format!(
                "participant {} made {name} (participant {}) {} (was {})",
                by.0,
                peer.0,
                role_name(*to),
                role_name(*from)
            ),
            Self::ConsultationAsked {
                consultation,
                peer,
                name,
                with,
                with_name,
            } => format!(
                "{name} (participant {}) asked {with_name} (participant {}) to private consultation {}",
                peer.0, with.0, consultation.0
            ),
            Self::ConsultationDeclined {
                consultation,
                peer,
                name,
            } => format!(
                "{name} (participant {}) declined private consultation {}",
                peer.0, consultation.0
            ),
            Self::ConsultationEntered {
                consultation,
                peer,
                name,
            } => format!(
                "{name} (participant {}) went into private consultation {}",
                peer.0, consultation.0
            ),
            Self::ConsultationLeft {
                consultation,
                peer,
                name,
                by,
            } => format!(
                "{name} (participant {}) came back from private consultation {}{}",
                peer.0,
                consultation.0,
                by.map_or_else(String::new, |by| format!(", called back by participant {}", by.0))
            ),
            Self::DoorRefused { name, reason } => format!(
                "{} was refused: {}",
                name.as_ref().map_or("someone", |n| n.as_str()),
                match reason {
                    DoorRefusal::WrongHostKey => "a host key that is not this meeting's",
                    DoorRefusal::Malformed => "a join whose keys or tokens were not well formed",
                }
            ),
            Self::RoomRestarted { dropped } if dropped.is_empty() => {
                "the room started again after it had stopped".to_owned()
            }
            Self::RoomRestarted { dropped } => format!(
                "the room started again after it had stopped; these lost their connection then: {}",
                dropped
                    .iter()
                    .map(|a| format!("{} (participant {})", a.name, a.peer.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn tier_name(tier: QualityTier) -> &'static str {
    match tier {
        QualityTier::AudioMinimal => "audio only",
        QualityTier::AudioSlides => "audio and slides",
        QualityTier::VideoLow => "low video",
        QualityTier::VideoHigh => "full video",
    }
}

fn with_invitation(invite: Option<&InviteId>) -> String {
    invite.map_or_else(String::new, |i| format!(" with invitation {i}"))
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Host => "host",
        Role::CoHost => "co-host",
        Role::Participant => "participant",
        Role::Witness => "witness",
        Role::Interpreter => "interpreter",
        Role::Observer => "observer",
    }
}
