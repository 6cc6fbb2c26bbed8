//! How a meeting link lets its holder in, read from its URL fragment (which
//! browsers never send to a server, nor in `Referer`): `#host=KEY` (the host
//! link), `#invite=TOKEN` (a signed invitation, with its role), or nothing
//! (the meeting's guest link).

use gloo_storage::{LocalStorage, Storage};
use sala_protocol::{policy, HolderKey, HostKey, InviteClaims, InviteToken, Role};

const HOLDER_KEY: &str = "sala.holder";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pass {
    Guest,
    Host(HostKey),
    Invite(InviteToken),
}

/// A fragment that names a pass it does not carry whole (a link cut short
/// when copied, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DamagedLink;

impl Pass {
    /// The pass in a URL fragment (`location.hash`, with its `#`).
    pub fn from_fragment(hash: &str) -> Result<Self, DamagedLink> {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if let Some(key) = hash.strip_prefix("host=") {
            HostKey::parse(key).map(Self::Host).map_err(|_| DamagedLink)
        } else if let Some(token) = hash.strip_prefix("invite=") {
            InviteToken::parse(token)
                .map(Self::Invite)
                .map_err(|_| DamagedLink)
        } else {
            Ok(Self::Guest)
        }
    }

    /// The pass of the page's own address.
    pub fn from_page() -> Result<Self, DamagedLink> {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        Self::from_fragment(&hash)
    }

    pub fn host_key(&self) -> Option<HostKey> {
        match self {
            Self::Host(key) => Some(key.clone()),
            Self::Guest | Self::Invite(_) => None,
        }
    }

    pub fn invite(&self) -> Option<InviteToken> {
        match self {
            Self::Invite(token) => Some(token.clone()),
            Self::Guest | Self::Host(_) => None,
        }
    }

    /// The role an invitation names, read without checking its signature:
    /// only so that the public gallery's join screen asks for no camera or
    /// microphone. The server checks the token, and its answer says the role
    /// that counts.
    pub fn invited_role(&self) -> Option<Role> {
        let Self::Invite(token) = self else {
            return None;
        };
        let json = base64url_decode(token.claims_text()?)?;
        // From a `str`, as every other JSON the client reads: `from_slice`
        // would compile serde_json's whole parser a second time.
        let json = std::str::from_utf8(&json).ok()?;
        serde_json::from_str::<InviteClaims>(json)
            .ok()
            .map(|claims| claims.role)
    }

    /// Whoever comes in by this link watches and listens only (the public
    /// gallery): nothing is captured.
    pub fn watch_only(&self) -> bool {
        self.invited_role().is_some_and(policy::watches_only)
    }
}

/// `text` (unpadded base64url) decoded by the browser's own `atob`.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let binary = web_sys::window()?.atob(&standard).ok()?;
    // `atob` gives one character per byte.
    binary.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// This browser's holder key: made once, kept on the device, so that the
/// holder of a single-use invitation gets back in after a reload or a long
/// outage, and someone removed stays out (by any link) from this browser. `None` if the browser can give no randomness (then a single-use
/// invitation lets this browser in once).
pub fn holder_key() -> Option<HolderKey> {
    if let Some(key) = LocalStorage::get::<String>(HOLDER_KEY)
        .ok()
        .and_then(|k| HolderKey::parse(&k).ok())
    {
        return Some(key);
    }
    let mut bytes = [0u8; 16];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    let key = HolderKey::from_random(bytes);
    // Private mode may refuse to keep it; it still serves this page.
    drop(LocalStorage::set(HOLDER_KEY, key.as_str()));
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_name_their_pass() {
        let key = HostKey::from_random([1; 16]);
        assert_eq!(Pass::from_fragment(""), Ok(Pass::Guest));
        assert_eq!(Pass::from_fragment("#"), Ok(Pass::Guest));
        assert_eq!(
            Pass::from_fragment(&format!("#host={key}")),
            Ok(Pass::Host(key))
        );
        assert_eq!(
            Pass::from_fragment("#invite=v1.abc.def"),
            Ok(Pass::Invite(InviteToken::parse("v1.abc.def").unwrap()))
        );
        assert_eq!(Pass::from_fragment("#host=short"), Err(DamagedLink));
        assert_eq!(Pass::from_fragment("#invite="), Err(DamagedLink));
        assert_eq!(Pass::from_fragment("#invite=v1.a b"), Err(DamagedLink));
    }
}
