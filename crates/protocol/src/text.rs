//! Human text that crosses the wire: validated on construction and on deserialize.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a piece of text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    Control,
}

fn clean(raw: &str, max: usize, lines: bool) -> Result<String, TextError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    if s.chars().any(|c| c.is_control() && !(lines && c == '\n')) {
        return Err(TextError::Control);
    }
    Ok(s.to_owned())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $max:expr, lines: $lines:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Longest accepted text, in characters (Unicode scalar values).
            pub const MAX_CHARS: usize = $max;

            /// Trims surrounding white space, then validates.
            pub fn parse(raw: &str) -> Result<Self, TextError> {
                clean(raw, Self::MAX_CHARS, $lines).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// Name a participant shows to others.
    DisplayName,
    64,
    lines: false
);
bounded_text!(
    /// Title of a meeting, chosen by whoever creates it.
    MeetingTitle,
    120,
    lines: false
);
bounded_text!(
    /// A chat message; may span lines.
    ChatText,
    2000,
    lines: true
);
