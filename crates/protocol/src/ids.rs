//! Newtype identifiers. Secrets and meeting ids are 128 random bits written as
//! 26 lowercase base32 characters (RFC 4648 alphabet, no padding).

use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const ENCODED_LEN: usize = 26; // ceil(128 / 5)

/// Why a string is not a valid identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("identifier must be {expected} characters long")]
    Length { expected: usize },
    #[error("identifier contains a character outside its alphabet")]
    Alphabet,
    #[error("identifier must be 1 to {max} characters long")]
    Span { max: usize },
}

fn encode(bytes: [u8; 16]) -> String {
    let value = u128::from_be_bytes(bytes);
    (0..ENCODED_LEN)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 0x1f) as usize] as char)
        .collect()
}

fn validate(s: &str) -> Result<(), IdError> {
    if s.len() != ENCODED_LEN {
        return Err(IdError::Length {
            expected: ENCODED_LEN,
        });
    }
    // The first character holds only the top 3 bits (26 * 5 = 130).
    let first_ok = s.as_bytes()[0].is_ascii_lowercase() && s.as_bytes()[0] <= b'h';
    if !first_ok || !s.bytes().all(|b| ALPHABET.contains(&b)) {
        return Err(IdError::Alphabet);
    }
    Ok(())
}

macro_rules! secret_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Encodes 16 random bytes; the caller supplies the randomness.
            pub fn from_random(bytes: [u8; 16]) -> Self {
                Self(encode(bytes))
            }

            pub fn parse(s: &str) -> Result<Self, IdError> {
                validate(s).map(|()| Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                validate(&s).map(|()| Self(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

secret_id!(
    /// Unguessable meeting identifier (128 random bits); appears in meeting links.
    #[derive(Debug)]
    MeetingId
);
secret_id!(
    /// Secret that grants the host role of one meeting.
    HostKey
);
secret_id!(
    /// Unguessable id of an uploaded slide deck.
    #[derive(Debug)]
    DeckId
);
secret_id!(
    /// Secret that lets a reconnecting socket take back its place in a meeting.
    ResumeToken
);
secret_id!(
    /// One invitation (an invite link), to withdraw it or see it in the record.
    #[derive(Debug)]
    InviteId
);
secret_id!(
    /// A browser's own secret for one invitation, kept on the device: the
    /// holder of a single-use invitation comes back in with it (after a
    /// reload or a long outage), nobody else does.
    HolderKey
);

// Secrets never show in logs.
impl fmt::Debug for HostKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostKey(..)")
    }
}
impl fmt::Debug for HolderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HolderKey(..)")
    }
}
impl fmt::Debug for ResumeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResumeToken(..)")
    }
}

/// A signed invitation as it travels (from an invite link's URL fragment to the
/// server over the WebSocket). Opaque here: only the server that signed it can
/// read and check it. Up to [`InviteToken::MAX_LEN`] URL-safe characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InviteToken(String);

impl InviteToken {
    pub const MAX_LEN: usize = 512;
    /// The format's first part: `v1.CLAIMS.MAC`.
    pub const VERSION: &'static str = "v1";

    /// The claims part (base64url of [`InviteClaims`](crate::InviteClaims)'
    /// JSON) of a `v1.CLAIMS.MAC` token, unchecked.
    pub fn claims_text(&self) -> Option<&str> {
        let mut parts = self.0.split('.');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Self::VERSION), Some(claims), Some(_), None) => Some(claims),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Result<Self, IdError> {
        Self::try_from(s.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for InviteToken {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(IdError::Span { max: Self::MAX_LEN });
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(IdError::Alphabet);
        }
        Ok(Self(s))
    }
}

impl From<InviteToken> for String {
    fn from(t: InviteToken) -> String {
        t.0
    }
}

impl fmt::Debug for InviteToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteToken(..)")
    }
}

/// A participant within one meeting, assigned by the server in join order
/// (a later joiner always has a larger id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PeerId(pub u64);

impl PeerId {
    /// Perfect-negotiation role: the peer with the larger id is polite.
    pub fn is_polite_towards(self, other: PeerId) -> bool {
        self > other
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Id of a browser `MediaStream` (carried in SDP `msid`), used to tell a
/// screen-share track from a camera track on the receiving side.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamId(String);

impl StreamId {
    pub const MAX_LEN: usize = 64;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StreamId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(IdError::Length {
                expected: Self::MAX_LEN,
            });
        }
        if !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(IdError::Alphabet);
        }
        Ok(Self(s))
    }
}

impl From<StreamId> for String {
    fn from(id: StreamId) -> String {
        id.0
    }
}
