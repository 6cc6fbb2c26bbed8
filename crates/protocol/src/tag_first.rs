//! One-pass decoding of this crate's internally tagged enums, for the browser client.
//!
//! serde's derive cannot know where in an object the tag of an internally tagged
//! enum (`{"type": "pong", "nonce": 1}`) comes, so it first buffers the whole
//! object into its private `Content` tree, then deserializes the variant from
//! that (serde-rs/serde#1495). That is correct for any input, but in the wasm
//! client it made `ServerMsg` decoding the largest code in the binary: every
//! field type is compiled once more against the buffer.
//!
//! The wire format does not change: every message is still written by serde's
//! derive, whose `Serialize` always puts the tag first. [`TagFirst`] reads
//! exactly that shape in one pass and refuses an object whose first key is not
//! the tag. The server keeps using the derived `Deserialize`, which accepts the
//! tag anywhere; the tests below check that both agree on every message.

use crate::{ErrorCode, ServerMsg, Signal};
use serde::de::{
    self, value::UnitDeserializer, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// An internally tagged enum of this crate ([`ServerMsg`], [`Signal`],
/// [`ErrorCode`]) decoded in one pass; its tag must be the object's first key.
///
/// ```
/// use sala_protocol::{ServerMsg, TagFirst};
/// let TagFirst(msg) = serde_json::from_str::<TagFirst<ServerMsg>>(r#"{"type":"pong","nonce":7}"#).unwrap();
/// assert_eq!(msg, ServerMsg::Pong { nonce: 7 });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagFirst<T>(pub T);

/// An internally tagged enum: its tag key and how each variant reads the rest of the object.
pub trait Tagged: Sized {
    /// Key of the tag, as in `#[serde(tag = "...")]`.
    const TAG: &'static str;
    /// What the decoder expects, for error messages.
    const EXPECTING: &'static str;
    /// Reads the fields after the tag into the variant named `tag`.
    fn rest<'de, A: MapAccess<'de>>(tag: &str, map: &mut A) -> Result<Self, A::Error>;
}

impl<'de, T: Tagged> Deserialize<'de> for TagFirst<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagFirstVisitor<T>(PhantomData<T>);

        impl<'de, T: Tagged> Visitor<'de> for TagFirstVisitor<T> {
            type Value = TagFirst<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                match map.next_key::<String>()? {
                    Some(key) if key == T::TAG => {}
                    _ => {
                        return Err(de::Error::custom(format_args!(
                            "`{}` must be the first field",
                            T::TAG
                        )))
                    }
                }
                let tag: String = map.next_value()?;
                T::rest(&tag, &mut map).map(TagFirst)
            }
        }

        deserializer.deserialize_map(TagFirstVisitor(PhantomData))
    }
}

/// A field's value once the object is read. Like serde's derive: a missing
/// `Option` field is `None`, any other missing field is an error.
fn required<'de, T: Deserialize<'de>, E: de::Error>(
    value: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match value {
        Some(value) => Ok(value),
        None => T::deserialize(UnitDeserializer::<E>::new()).map_err(|_| E::missing_field(name)),
    }
}

/// Reads the rest of an object into the struct (or unit) variant
/// `Enum::Variant { field, nested: TagFirst, .. }`: fields come in any order,
/// unknown ones are skipped, a repeated one is an error, and a field marked
/// `TagFirst` holds a nested tagged enum. The compiler checks the field list
/// against the variant (a struct literal must name every field).
macro_rules! variant {
    ($map:ident, $($path:ident)::+ { $($field:ident $(: $nested:ident)?),* $(,)? }) => {{
        $(let mut $field = None;)*
        while let Some(key) = $map.next_key::<String>()? {
            match key.as_str() {
                $(stringify!($field) => {
                    if $field.is_some() {
                        return Err(de::Error::duplicate_field(stringify!($field)));
                    }
                    $field = Some($map.next_value::<variant!(@type $($nested)?)>()?);
                })*
                _ => {
                    $map.next_value::<IgnoredAny>()?;
                }
            }
        }
        $($path)::+ { $($field: variant!(@value required($field, stringify!($field))? $(, $nested)?)),* }
    }};
    (@type) => { _ };
    (@type TagFirst) => { TagFirst<_> };
    (@value $value:expr) => { $value };
    (@value $value:expr, TagFirst) => { $value.0 };
}

impl Tagged for ServerMsg {
    const TAG: &'static str = "type";
    const EXPECTING: &'static str = "a server message";

    fn rest<'de, A: MapAccess<'de>>(tag: &str, map: &mut A) -> Result<Self, A::Error> {
        Ok(match tag {
            "welcome" => variant!(
                map,
                ServerMsg::Welcome {
                    protocol,
                    you,
                    meeting,
                    peers,
                    resume,
                    resumed,
                    transport,
                    ice,
                    presentation,
                    lobby,
                    lobby_on,
                    hands,
                    chat,
                    consultation,
                    consultations,
                    acked
                }
            ),
            "waiting" => variant!(
                map,
                ServerMsg::Waiting {
                    protocol,
                    you,
                    meeting,
                    resume,
                    resumed,
                    acked
                }
            ),
            "knocking" => variant!(map, ServerMsg::Knocking { knock }),
            "knock_ended" => variant!(map, ServerMsg::KnockEnded { peer }),
            "lobby_set" => variant!(map, ServerMsg::LobbySet { on }),
            "peer_hold" => variant!(map, ServerMsg::PeerHold { peer, hold }),
            "hands" => variant!(map, ServerMsg::Hands { queue }),
            "chat" => variant!(map, ServerMsg::Chat { message }),
            "oath_asked" => variant!(map, ServerMsg::OathAsked { peer }),
            "oath_taken" => variant!(map, ServerMsg::OathTaken { peer, form }),
            "peer_role" => variant!(map, ServerMsg::PeerRole { peer, role }),
            "consult_invite" => variant!(map, ServerMsg::ConsultInvite { consultation, from }),
            "consult_declined" => variant!(map, ServerMsg::ConsultDeclined { consultation, peer }),
            "consultations" => variant!(map, ServerMsg::Consultations { list }),
            "ack" => variant!(map, ServerMsg::Ack { seq }),
            "peer_joined" => variant!(map, ServerMsg::PeerJoined { peer }),
            "peer_left" => variant!(map, ServerMsg::PeerLeft { peer, reason }),
            "peer_media" => variant!(map, ServerMsg::PeerMedia { peer, media }),
            "peer_resumed" => variant!(map, ServerMsg::PeerResumed { peer }),
            "ice_refresh" => variant!(map, ServerMsg::IceRefresh { ice }),
            "signal" => variant!(
                map,
                ServerMsg::Signal {
                    from,
                    signal: TagFirst
                }
            ),
            "pong" => variant!(map, ServerMsg::Pong { nonce }),
            "presentation" => variant!(map, ServerMsg::Presentation { presentation }),
            "screen_still" => variant!(map, ServerMsg::ScreenStill { peer, still }),
            "room_locked" => variant!(map, ServerMsg::RoomLocked { locked }),
            "error" => variant!(map, ServerMsg::Error { error: TagFirst }),
            other => {
                const VARIANTS: &[&str] = &[
                    "welcome",
                    "waiting",
                    "knocking",
                    "knock_ended",
                    "lobby_set",
                    "peer_hold",
                    "hands",
                    "chat",
                    "oath_asked",
                    "oath_taken",
                    "peer_role",
                    "consult_invite",
                    "consult_declined",
                    "consultations",
                    "ack",
                    "peer_joined",
                    "peer_left",
                    "peer_media",
                    "peer_resumed",
                    "signal",
                    "pong",
                    "presentation",
                    "screen_still",
                    "room_locked",
                    "error",
                ];
                return Err(de::Error::unknown_variant(other, VARIANTS));
            }
        })
    }
}

impl Tagged for Signal {
    const TAG: &'static str = "kind";
    const EXPECTING: &'static str = "a signal";

    fn rest<'de, A: MapAccess<'de>>(tag: &str, map: &mut A) -> Result<Self, A::Error> {
        Ok(match tag {
            "description" => variant!(map, Signal::Description { sdp_type, sdp }),
            "candidate" => variant!(
                map,
                Signal::Candidate {
                    candidate,
                    sdp_mid,
                    sdp_m_line_index
                }
            ),
            other => {
                return Err(de::Error::unknown_variant(
                    other,
                    &["description", "candidate"],
                ))
            }
        })
    }
}

impl Tagged for ErrorCode {
    const TAG: &'static str = "code";
    const EXPECTING: &'static str = "an error code";

    fn rest<'de, A: MapAccess<'de>>(tag: &str, map: &mut A) -> Result<Self, A::Error> {
        Ok(match tag {
            "unknown_meeting" => variant!(map, ErrorCode::UnknownMeeting {}),
            "unsupported_protocol" => {
                variant!(map, ErrorCode::UnsupportedProtocol { client, server })
            }
            "malformed" => variant!(map, ErrorCode::Malformed {}),
            "too_large" => variant!(map, ErrorCode::TooLarge { limit }),
            "not_joined" => variant!(map, ErrorCode::NotJoined {}),
            "already_joined" => variant!(map, ErrorCode::AlreadyJoined {}),
            "unknown_peer" => variant!(map, ErrorCode::UnknownPeer {}),
            "meeting_full" => variant!(map, ErrorCode::MeetingFull {}),
            "resume_expired" => variant!(map, ErrorCode::ResumeExpired {}),
            "bad_host_key" => variant!(map, ErrorCode::BadHostKey {}),
            "rate_limited" => variant!(map, ErrorCode::RateLimited {}),
            "shutting_down" => variant!(map, ErrorCode::ShuttingDown {}),
            "session_replaced" => variant!(map, ErrorCode::SessionReplaced {}),
            "unknown_deck" => variant!(map, ErrorCode::UnknownDeck {}),
            "no_such_page" => variant!(map, ErrorCode::NoSuchPage {}),
            "not_presenter" => variant!(map, ErrorCode::NotPresenter {}),
            "not_sharing" => variant!(map, ErrorCode::NotSharing {}),
            "invite_refused" => variant!(map, ErrorCode::InviteRefused { reason }),
            "not_allowed" => variant!(map, ErrorCode::NotAllowed {}),
            "removed" => variant!(map, ErrorCode::Removed {}),
            "meeting_ended" => variant!(map, ErrorCode::MeetingEnded {}),
            "room_locked" => variant!(map, ErrorCode::RoomLocked {}),
            "denied" => variant!(map, ErrorCode::Denied {}),
            "room_full" => variant!(map, ErrorCode::RoomFull {}),
            "not_waiting" => variant!(map, ErrorCode::NotWaiting {}),
            "hearing_lobby" => variant!(map, ErrorCode::HearingLobby {}),
            "no_such_consultation" => variant!(map, ErrorCode::NoSuchConsultation {}),
            "in_consultation" => variant!(map, ErrorCode::InConsultation {}),
            "out_of_sequence" => variant!(map, ErrorCode::OutOfSequence { expected }),
            "record_unavailable" => variant!(map, ErrorCode::RecordUnavailable {}),
            "slow_down" => variant!(map, ErrorCode::SlowDown {}),
            other => {
                const VARIANTS: &[&str] = &[
                    "unknown_meeting",
                    "unsupported_protocol",
                    "malformed",
                    "too_large",
                    "not_joined",
                    "already_joined",
                    "unknown_peer",
                    "meeting_full",
                    "resume_expired",
                    "bad_host_key",
                    "rate_limited",
                    "shutting_down",
                    "session_replaced",
                    "unknown_deck",
                    "no_such_page",
                    "not_presenter",
                    "not_sharing",
                    "invite_refused",
                    "not_allowed",
                    "removed",
                    "meeting_ended",
                    "room_locked",
                    "denied",
                    "room_full",
                    "not_waiting",
                    "hearing_lobby",
                    "no_such_consultation",
                    "in_consultation",
                    "out_of_sequence",
                    "record_unavailable",
                    "slow_down",
                ];
                return Err(de::Error::unknown_variant(other, VARIANTS));
            }
        })
    }
}
