//! Signed invitations (issue #4). An invite link carries an [`InviteToken`]:
//! the [`Claims`] (meeting, role, validity, single use) and an HMAC-SHA256 of
//! them under the server's [`Secret`], so nobody can make one or change its
//! role. [`check`] is pure (the time is an argument); what only the database
//! knows (withdrawn, used, holder removed, meeting ended) is checked by
//! `Db::admit_invite`.
//!
//! Format: `v1.` + base64url(JSON claims) + `.` + base64url(MAC over
//! everything before the second dot). The token rides in the link's URL
//! fragment, which browsers never send to a server, and reaches the server
//! only inside the WebSocket's `Join`.

use std::io::{self, Read, Write};
use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sala_protocol::{InviteRefusal, InviteToken, MeetingId};
use sha2::Sha256;

/// What an invitation says (meeting, invite id, role, validity, single use);
/// shared with the client, which reads the role before joining.
pub use sala_protocol::InviteClaims as Claims;

/// File of the signing secret in the data directory.
pub const SECRET_FILE: &str = "invite.key";
const VERSION: &str = InviteToken::VERSION;

/// The key invitations are signed with: 32 random bytes, made at first start
/// and kept in the data directory (readable by the server's user only).
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The secret in `dir`, made with `fresh` if there is none yet.
    pub fn load_or_create(dir: &Path, fresh: impl FnOnce() -> [u8; 32]) -> io::Result<Self> {
        let path = dir.join(SECRET_FILE);
        match std::fs::File::open(&path) {
            Ok(mut f) => {
                let mut bytes = [0u8; 32];
                f.read_exact(&mut bytes)?;
                Ok(Self(bytes))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let bytes = fresh();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut f = options.open(&path)?;
                f.write_all(&bytes)?;
                f.sync_all()?;
                Ok(Self(bytes))
            }
            Err(e) => Err(e),
        }
    }

    fn mac(&self, signed: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(signed.as_bytes());
        mac
    }
}

/// The token for `claims`, signed with `secret`.
pub fn sign(secret: &Secret, claims: &Claims) -> InviteToken {
    let payload = serde_json::to_vec(claims).expect("claims always serialize");
    let signed = format!("{VERSION}.{}", B64.encode(payload));
    let tag = B64.encode(secret.mac(&signed).finalize().into_bytes());
    InviteToken::parse(&format!("{signed}.{tag}")).expect("base64url fits an invite token")
}

/// The claims of `token` if `secret` signed it for `meeting` and it is valid
/// at `now_ms`; otherwise why not. A token that does not parse, has a bad
/// signature, or whose claims were edited is [`InviteRefusal::Tampered`].
pub fn check(
    secret: &Secret,
    token: &InviteToken,
    meeting: &MeetingId,
    now_ms: i64,
) -> Result<Claims, InviteRefusal> {
    let tampered = InviteRefusal::Tampered;
    let (signed, tag) = token.as_str().rsplit_once('.').ok_or(tampered)?;
    let (version, payload) = signed.split_once('.').ok_or(tampered)?;
    if version != VERSION {
        return Err(tampered);
    }
    let tag = B64.decode(tag).map_err(|_| tampered)?;
    secret
        .mac(signed)
        .verify_slice(&tag)
        .map_err(|_| tampered)?;
    let payload = B64.decode(payload).map_err(|_| tampered)?;
    let claims: Claims = serde_json::from_slice(&payload).map_err(|_| tampered)?;
    if &claims.meeting != meeting {
        return Err(InviteRefusal::WrongMeeting);
    }
    if now_ms < claims.not_before_ms {
        return Err(InviteRefusal::NotYetValid);
    }
    if now_ms >= claims.expires_ms {
        return Err(InviteRefusal::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sala_protocol::{InviteId, Role};

    fn meeting(n: u8) -> MeetingId {
        MeetingId::from_random([n; 16])
    }

    fn claims() -> Claims {
        Claims {
            meeting: meeting(1),
            invite: InviteId::from_random([9; 16]),
            role: Role::Witness,
            not_before_ms: 1_000,
            expires_ms: 10_000,
            single_use: true,
        }
    }

    fn secret() -> Secret {
        Secret::from_bytes([42; 32])
    }

    /// `token` with its claims replaced by `f(claims)`, signature kept.
    fn edited(token: &InviteToken, f: impl Fn(&mut serde_json::Value)) -> InviteToken {
        let (signed, tag) = token.as_str().rsplit_once('.').unwrap();
        let (_, payload) = signed.split_once('.').unwrap();
        let mut json: serde_json::Value =
            serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
        f(&mut json);
        let payload = B64.encode(serde_json::to_vec(&json).unwrap());
        InviteToken::parse(&format!("v1.{payload}.{tag}")).unwrap()
    }

    /// What a case is, the token, the meeting it is shown to, when, and what it gives.
    type Case = (
        &'static str,
        InviteToken,
        MeetingId,
        i64,
        Result<Claims, InviteRefusal>,
    );

    #[test]
    fn each_refusal_by_its_own_reason() {
        let token = sign(&secret(), &claims());
        let other_server = sign(&Secret::from_bytes([7; 32]), &claims());
        let cases: [Case; 9] = [
            ("valid", token.clone(), meeting(1), 5_000, Ok(claims())),
            (
                "first valid instant",
                token.clone(),
                meeting(1),
                1_000,
                Ok(claims()),
            ),
            (
                "not yet valid",
                token.clone(),
                meeting(1),
                999,
                Err(InviteRefusal::NotYetValid),
            ),
            (
                "expired",
                token.clone(),
                meeting(1),
                10_000,
                Err(InviteRefusal::Expired),
            ),
            (
                "other meeting",
                token.clone(),
                meeting(2),
                5_000,
                Err(InviteRefusal::WrongMeeting),
            ),
            (
                "signed by another server",
                other_server,
                meeting(1),
                5_000,
                Err(InviteRefusal::Tampered),
            ),
            (
                "role edited",
                edited(&token, |c| c["r"] = "host".into()),
                meeting(1),
                5_000,
                Err(InviteRefusal::Tampered),
            ),
            (
                "expiry edited",
                edited(&token, |c| c["exp"] = 99_999.into()),
                meeting(1),
                50_000,
                Err(InviteRefusal::Tampered),
            ),
            (
                "signature cut",
                InviteToken::parse(token.as_str().rsplit_once('.').unwrap().0).unwrap(),
                meeting(1),
                5_000,
                Err(InviteRefusal::Tampered),
            ),
        ];
        for (what, token, meeting, now, want) in cases {
            assert_eq!(check(&secret(), &token, &meeting, now), want, "{what}");
        }
        for junk in ["x", "v1.x.y", "v2.e30.AAAA", "v1..", "..."] {
            let token = InviteToken::parse(junk).unwrap();
            assert_eq!(
                check(&secret(), &token, &meeting(1), 5_000),
                Err(InviteRefusal::Tampered),
                "{junk}"
            );
        }
    }

    #[test]
    fn a_token_fits_in_a_link() {
        let token = sign(&secret(), &claims());
        assert!(
            token.as_str().len() < 200,
            "{} characters",
            token.as_str().len()
        );
        assert!(token.as_str().starts_with("v1."));
    }

    #[test]
    fn a_client_finds_the_claims_where_the_server_put_them() {
        let token = sign(&secret(), &claims());
        let text = token.claims_text().expect("a signed token has claims");
        let read: Claims = serde_json::from_slice(&B64.decode(text).unwrap()).unwrap();
        assert_eq!(read, claims());
        for bad in ["v1.abc", "v2.abc.def", "v1.a.b.c"] {
            assert_eq!(
                InviteToken::parse(bad).unwrap().claims_text(),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn the_secret_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secret::load_or_create(dir.path(), || [5; 32]).unwrap();
        let again = Secret::load_or_create(dir.path(), || panic!("not made twice")).unwrap();
        assert_eq!(first.0, again.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(format!("{first:?}"), "Secret(..)");
    }
}
