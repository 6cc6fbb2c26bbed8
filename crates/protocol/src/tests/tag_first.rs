//! The client's one-pass decoder ([`TagFirst`]) against serde's derive.

use super::*;

/// Decodes with the client's decoder. Raw text, since `json!` sorts keys.
fn tag_first(text: &str) -> Result<ServerMsg, String> {
    serde_json::from_str::<TagFirst<ServerMsg>>(text)
        .map(|m| m.0)
        .map_err(|e| e.to_string())
}

#[test]
fn tag_first_reads_fields_like_the_derive() {
    // Unknown fields are skipped, at any depth and of any shape.
    assert_eq!(
        tag_first(r#"{"type": "pong", "extra": [1, {"a": null}], "nonce": 4, "more": 1.5}"#),
        Ok(ServerMsg::Pong { nonce: 4 })
    );
    // Missing `Option` fields are `None`; the nested tag comes first too.
    assert_eq!(
        tag_first(
            r#"{"type": "signal", "from": 2, "signal": {"kind": "candidate", "generation": 0, "candidate": "c"}}"#
        ),
        Ok(ServerMsg::Signal {
            from: PeerId(2),
            signal: Signal::Candidate {
                generation: Generation(0),
                candidate: "c".into(),
                sdp_mid: None,
                sdp_m_line_index: None
            }
        })
    );
    assert_eq!(
        tag_first(
            r#"{"type": "error", "error": {"code": "unsupported_protocol", "server": 1, "client": 2}}"#
        ),
        Ok(ServerMsg::Error {
            error: ErrorCode::UnsupportedProtocol {
                client: 2,
                server: 1
            }
        })
    );
    // A payload struct reads by its own derive: its defaults hold (`acked`).
    let waiting = ServerMsg::Waiting(super::round_trip::waiting());
    let text = serde_json::to_string(&waiting).unwrap();
    let without = text.replace(r#","acked":0"#, "");
    assert_ne!(text, without);
    assert_eq!(tag_first(&without), Ok(waiting));
    // Field types keep their own rules (here `tier` defaults).
    assert_eq!(
        tag_first(
            r#"{"type": "peer_media", "media": {"mic": true, "camera": false, "screen": null}, "peer": 1}"#
        ),
        Ok(ServerMsg::PeerMedia {
            peer: PeerId(1),
            media: MediaState {
                mic: true,
                camera: false,
                screen: None,
                tier: QualityTier::VideoHigh,
                receive: QualityTier::VideoHigh,
                stills_for: Vec::new(),
            }
        })
    );
}

#[test]
fn tag_first_refuses_what_the_derive_refuses() {
    for (case, why) in [
        (r#"{"type": "pong"}"#, "missing field `nonce`"),
        (
            r#"{"type": "pong", "nonce": 1, "nonce": 2}"#,
            "duplicate field `nonce`",
        ),
        (r#"{"type": "shout"}"#, "unknown variant `shout`"),
        (
            r#"{"type": "signal", "from": 1, "signal": {"kind": "whisper"}}"#,
            "unknown variant `whisper`",
        ),
        (
            r#"{"type": "error", "error": {"code": "nope"}}"#,
            "unknown variant `nope`",
        ),
        (
            r#"{"type": "peer_left", "peer": -1, "reason": "left"}"#,
            "invalid value",
        ),
        (
            r#"{"type": "peer_joined", "peer": {"id": 1, "name": " ", "role": "host", "media": {"mic": true, "camera": true, "screen": null}}}"#,
            "empty",
        ),
        (r#"{"type": 5}"#, "invalid type"),
        (r#"{"type": "pong", "nonce": 1"#, "EOF"),
    ] {
        assert!(
            serde_json::from_str::<ServerMsg>(case).is_err(),
            "the derive accepts {case}"
        );
        let err = tag_first(case).unwrap_err();
        assert!(err.contains(why), "{case}: {err}");
    }
}

#[test]
fn tag_first_needs_the_tag_first_as_serde_writes_it() {
    // serde_json keeps the written order; the derive writes the tag first.
    let text = serde_json::to_string(&ServerMsg::Pong { nonce: 1 }).unwrap();
    assert!(text.starts_with(r#"{"type":"#), "{text}");
    let late = r#"{"nonce":1,"type":"pong"}"#;
    assert_eq!(
        serde_json::from_str::<ServerMsg>(late).unwrap(),
        ServerMsg::Pong { nonce: 1 }
    );
    let err = serde_json::from_str::<TagFirst<ServerMsg>>(late)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`type` must be the first field"), "{err}");
    // Nor does it take the sequence form the derive also reads (and JSON writers never write).
    assert!(serde_json::from_str::<ServerMsg>(r#"["pong", 1]"#).is_ok());
    assert!(tag_first(r#"["pong", 1]"#)
        .unwrap_err()
        .contains("invalid type"));
}
