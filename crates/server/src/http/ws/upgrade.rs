//! The WebSocket opening handshake (RFC 6455 §4.2) over HTTP/1.1, done
//! here rather than by axum's `WebSocketUpgrade`: that one hands over a
//! socket whose writes go through tungstenite, and tungstenite keeps each
//! socket's write buffer at the largest frame it ever sent (`halves.rs`).
//! Here the upgraded connection itself is handed over.

use axum::extract::FromRequestParts;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::future::Either;
use futures_util::FutureExt;
use hyper::upgrade::{OnUpgrade, Upgraded};
use std::future::Future;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tracing::debug;

/// A request that may become a WebSocket: [`Upgrade::on_upgrade`] answers
/// it with `101 Switching Protocols`.
pub struct Upgrade {
    accept: HeaderValue,
    on_upgrade: OnUpgrade,
}

/// Why a request is not a WebSocket opening handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotWebSocket {
    MethodNotGet,
    NoUpgradeHeaders,
    VersionNot13,
    NoKey,
    /// The connection under the request cannot be taken over (not HTTP/1.1
    /// with upgrades, or already taken).
    NotUpgradable,
}

impl IntoResponse for NotWebSocket {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            Self::MethodNotGet => (StatusCode::METHOD_NOT_ALLOWED, "a WebSocket opens with GET"),
            Self::NoUpgradeHeaders => (
                StatusCode::BAD_REQUEST,
                "`Connection: upgrade` and `Upgrade: websocket` are required",
            ),
            Self::VersionNot13 => {
                let version = [(header::SEC_WEBSOCKET_VERSION, "13")];
                return (
                    StatusCode::UPGRADE_REQUIRED,
                    version,
                    "only WebSocket version 13 is spoken here",
                )
                    .into_response();
            }
            Self::NoKey => (StatusCode::BAD_REQUEST, "`Sec-WebSocket-Key` is missing"),
            Self::NotUpgradable => (
                StatusCode::UPGRADE_REQUIRED,
                "this connection cannot be upgraded",
            ),
        };
        (status, text).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = NotWebSocket;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, NotWebSocket> {
        Self::of(parts)
    }
}

impl Upgrade {
    fn of(parts: &mut Parts) -> Result<Self, NotWebSocket> {
        let headers = &parts.headers;
        if parts.method != Method::GET {
            return Err(NotWebSocket::MethodNotGet);
        }
        if !has_token(headers, header::CONNECTION, "upgrade")
            || !has_token(headers, header::UPGRADE, "websocket")
        {
            return Err(NotWebSocket::NoUpgradeHeaders);
        }
        if !has_token(headers, header::SEC_WEBSOCKET_VERSION, "13") {
            return Err(NotWebSocket::VersionNot13);
        }
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .ok_or(NotWebSocket::NoKey)?;
        let accept = HeaderValue::try_from(derive_accept_key(key.as_bytes()))
            .expect("base64 is a valid header value");
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or(NotWebSocket::NotUpgradable)?;
        Ok(Self { accept, on_upgrade })
    }

    /// Answers `101 Switching Protocols`; once the client has it, `run`
    /// gets the connection, in a task of its own.
    pub fn on_upgrade<F, Fut>(self, run: F) -> Response
    where
        F: FnOnce(Upgraded) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self { accept, on_upgrade } = self;
        // A combinator, not an async block: the task is as large as the
        // larger of its two stages, not as both (an async block would keep
        // `run`'s captures beside the socket's future for its whole life).
        tokio::spawn(on_upgrade.then(|io| match io {
            Ok(io) => Either::Left(run(io)),
            Err(e) => {
                debug!(error = %e, "websocket upgrade failed");
                Either::Right(std::future::ready(()))
            }
        }));
        (
            StatusCode::SWITCHING_PROTOCOLS,
            [
                (header::CONNECTION, HeaderValue::from_static("upgrade")),
                (header::UPGRADE, HeaderValue::from_static("websocket")),
                (header::SEC_WEBSOCKET_ACCEPT, accept),
            ],
        )
            .into_response()
    }
}

/// Whether `name` lists `token` (comma-separated, any case), as in
/// `Connection: keep-alive, Upgrade`.
fn has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value
            .as_bytes()
            .split(|&b| b == b',')
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(method: Method, headers: &[(&str, &str)], upgradable: bool) -> Parts {
        let mut req = Request::builder().method(method).uri("/ws");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(()).unwrap();
        if upgradable {
            let on_upgrade = hyper::upgrade::on(Request::new(()));
            req.extensions_mut().insert(on_upgrade);
        }
        req.into_parts().0
    }

    const OK: &[(&str, &str)] = &[
        ("connection", "keep-alive, Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    fn without(name: &str) -> Vec<(&'static str, &'static str)> {
        OK.iter().copied().filter(|(k, _)| *k != name).collect()
    }

    #[test]
    fn the_rfc_example_key_is_accepted() {
        let up = Upgrade::of(&mut parts(Method::GET, OK, true)).unwrap();
        // RFC 6455 §1.3.
        assert_eq!(up.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn what_is_not_a_handshake_is_refused_with_its_reason() {
        type Case = (
            Method,
            Vec<(&'static str, &'static str)>,
            bool,
            NotWebSocket,
        );
        let cases: &[Case] = &[
            (Method::POST, OK.to_vec(), true, NotWebSocket::MethodNotGet),
            (
                Method::GET,
                without("connection"),
                true,
                NotWebSocket::NoUpgradeHeaders,
            ),
            (
                Method::GET,
                without("upgrade"),
                true,
                NotWebSocket::NoUpgradeHeaders,
            ),
            (
                Method::GET,
                without("sec-websocket-version"),
                true,
                NotWebSocket::VersionNot13,
            ),
            (
                Method::GET,
                without("sec-websocket-key"),
                true,
                NotWebSocket::NoKey,
            ),
            (Method::GET, OK.to_vec(), false, NotWebSocket::NotUpgradable),
        ];
        for (method, headers, upgradable, want) in cases {
            let got = Upgrade::of(&mut parts(method.clone(), headers, *upgradable)).err();
            assert_eq!(got, Some(*want), "{method} {headers:?}");
        }
    }

    #[test]
    fn an_old_version_is_told_which_one_is_spoken() {
        let res = NotWebSocket::VersionNot13.into_response();
        assert_eq!(res.status(), StatusCode::UPGRADE_REQUIRED);
        assert_eq!(res.headers()[header::SEC_WEBSOCKET_VERSION], "13");
    }
}
