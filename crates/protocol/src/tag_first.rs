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
//! tag anywhere; the tests check that both agree on every message.
//!
//! The tag is read as a value of the enum's tag type ([`ServerMsgTag`], …),
//! and [`Tagged::rest`] matches on it with no wildcard, while the enum's own
//! `tag()` names a tag for each variant: a new `ServerMsg` variant does not
//! compile until `ServerMsg::tag` knows it, then not until it is decoded here.
//! A variant that carries a struct of its own (`Welcome(Welcome)`) is read by
//! that struct's derived `Deserialize` (a struct needs no buffer); the small
//! ones by `variant!`, whose field lists the compiler checks.

use crate::{ErrorCode, ErrorTag, ServerMsg, ServerMsgTag, Signal, SignalTag};
use serde::de::{
    self,
    value::{MapAccessDeserializer, UnitDeserializer},
    Deserialize, DeserializeOwned, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
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
    /// The tag's values, one per variant (an unknown one is refused as it
    /// is read). `rest` matches on it with no wildcard, and the enum's own
    /// `tag()` names one for each variant, so a new variant does not
    /// compile until it is decoded here.
    type Tag: DeserializeOwned;
    /// Reads the fields after the tag into the variant tagged `tag`.
    fn rest<'de, A: MapAccess<'de>>(tag: Self::Tag, map: &mut A) -> Result<Self, A::Error>;
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
                // Read as a string first, so that a tag of another type is
                // refused as "invalid type", like the derive does.
                let tag: String = map.next_value()?;
                let tag = T::Tag::deserialize(tag.as_str().into_deserializer())?;
                T::rest(tag, &mut map).map(TagFirst)
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

/// Reads the rest of an object as a `T`, by `T`'s derived `Deserialize`: the
/// payload struct of a newtype variant (`ServerMsg::Welcome(Welcome)`), whose
/// field list is written once, in the struct. (A struct needs no buffer: the
/// derive's detour is only for the enum's tag.)
fn payload<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map))
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
    type Tag = ServerMsgTag;

    fn rest<'de, A: MapAccess<'de>>(tag: ServerMsgTag, map: &mut A) -> Result<Self, A::Error> {
        use ServerMsgTag as T;
        Ok(match tag {
            T::Welcome => ServerMsg::Welcome(payload(map)?),
            T::Waiting => ServerMsg::Waiting(payload(map)?),
            T::Knocking => variant!(map, ServerMsg::Knocking { knock }),
            T::KnockEnded => variant!(map, ServerMsg::KnockEnded { peer }),
            T::LobbySet => variant!(map, ServerMsg::LobbySet { on }),
            T::PeerHold => variant!(map, ServerMsg::PeerHold { peer, hold }),
            T::Hands => variant!(map, ServerMsg::Hands { queue }),
            T::Chat => variant!(map, ServerMsg::Chat { message }),
            T::OathAsked => variant!(map, ServerMsg::OathAsked { peer }),
            T::OathTaken => variant!(map, ServerMsg::OathTaken { peer, form }),
            T::PeerRole => variant!(map, ServerMsg::PeerRole { peer, role }),
            T::ConsultInvite => variant!(map, ServerMsg::ConsultInvite { consultation, from }),
            T::ConsultDeclined => variant!(map, ServerMsg::ConsultDeclined { consultation, peer }),
            T::Consultations => variant!(map, ServerMsg::Consultations { list }),
            T::Ack => variant!(map, ServerMsg::Ack { seq }),
            T::PeerJoined => variant!(map, ServerMsg::PeerJoined { peer }),
            T::PeerLeft => variant!(map, ServerMsg::PeerLeft { peer, reason }),
            T::PeerMedia => variant!(map, ServerMsg::PeerMedia { peer, media }),
            T::PeerResumed => variant!(map, ServerMsg::PeerResumed { peer }),
            T::IceRefresh => variant!(map, ServerMsg::IceRefresh { ice }),
            T::Signal => variant!(
                map,
                ServerMsg::Signal {
                    from,
                    signal: TagFirst
                }
            ),
            T::Pong => variant!(map, ServerMsg::Pong { nonce }),
            T::Presentation => variant!(map, ServerMsg::Presentation { presentation }),
            T::ScreenStill => variant!(map, ServerMsg::ScreenStill { peer, still }),
            T::RoomLocked => variant!(map, ServerMsg::RoomLocked { locked }),
            T::Error => variant!(map, ServerMsg::Error { error: TagFirst }),
        })
    }
}

impl Tagged for Signal {
    const TAG: &'static str = "kind";
    const EXPECTING: &'static str = "a signal";
    type Tag = SignalTag;

    fn rest<'de, A: MapAccess<'de>>(tag: SignalTag, map: &mut A) -> Result<Self, A::Error> {
        Ok(match tag {
            SignalTag::Description => variant!(
                map,
                Signal::Description {
                    generation,
                    sdp_type,
                    sdp
                }
            ),
            SignalTag::Candidate => variant!(
                map,
                Signal::Candidate {
                    generation,
                    candidate,
                    sdp_mid,
                    sdp_m_line_index
                }
            ),
        })
    }
}

impl Tagged for ErrorCode {
    const TAG: &'static str = "code";
    const EXPECTING: &'static str = "an error code";
    type Tag = ErrorTag;

    fn rest<'de, A: MapAccess<'de>>(tag: ErrorTag, map: &mut A) -> Result<Self, A::Error> {
        use ErrorCode as E;
        use ErrorTag as T;
        Ok(match tag {
            T::UnknownMeeting => variant!(map, E::UnknownMeeting {}),
            T::UnsupportedProtocol => variant!(map, E::UnsupportedProtocol { client, server }),
            T::Malformed => variant!(map, E::Malformed {}),
            T::TooLarge => variant!(map, E::TooLarge { limit }),
            T::NotJoined => variant!(map, E::NotJoined {}),
            T::AlreadyJoined => variant!(map, E::AlreadyJoined {}),
            T::UnknownPeer => variant!(map, E::UnknownPeer {}),
            T::MeetingFull => variant!(map, E::MeetingFull {}),
            T::ResumeExpired => variant!(map, E::ResumeExpired {}),
            T::BadHostKey => variant!(map, E::BadHostKey {}),
            T::RateLimited => variant!(map, E::RateLimited {}),
            T::ShuttingDown => variant!(map, E::ShuttingDown {}),
            T::SessionReplaced => variant!(map, E::SessionReplaced {}),
            T::UnknownDeck => variant!(map, E::UnknownDeck {}),
            T::NoSuchPage => variant!(map, E::NoSuchPage {}),
            T::NotPresenter => variant!(map, E::NotPresenter {}),
            T::NotSharing => variant!(map, E::NotSharing {}),
            T::InviteRefused => variant!(map, E::InviteRefused { reason }),
            T::NotAllowed => variant!(map, E::NotAllowed {}),
            T::Removed => variant!(map, E::Removed {}),
            T::MeetingEnded => variant!(map, E::MeetingEnded {}),
            T::RoomLocked => variant!(map, E::RoomLocked {}),
            T::Denied => variant!(map, E::Denied {}),
            T::RoomFull => variant!(map, E::RoomFull {}),
            T::NotWaiting => variant!(map, E::NotWaiting {}),
            T::HearingLobby => variant!(map, E::HearingLobby {}),
            T::NoSuchConsultation => variant!(map, E::NoSuchConsultation {}),
            T::InConsultation => variant!(map, E::InConsultation {}),
            T::OutOfSequence => variant!(map, E::OutOfSequence { expected }),
            T::RecordUnavailable => variant!(map, E::RecordUnavailable {}),
            T::SlowDown => variant!(map, E::SlowDown {}),
        })
    }
}
