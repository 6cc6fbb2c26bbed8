use super::*;
use serde_json::json;

mod policy;
mod round_trip;
mod tag_first;
mod wire;

fn name(s: &str) -> DisplayName {
    DisplayName::parse(s).unwrap()
}

fn meeting() -> MeetingId {
    MeetingId::from_random([7; 16])
}

/// The JSON shape is the contract with other implementations: pin it.
#[test]
fn wire_shape_is_tagged_snake_case() {
    let msg = ClientMsg::Signal {
        to: PeerId(5),
        signal: Signal::Candidate {
            generation: Generation(0),
            candidate: "c".into(),
            sdp_mid: None,
            sdp_m_line_index: Some(1),
        },
    };
    assert_eq!(
        serde_json::to_value(&msg).unwrap(),
        json!({"type": "signal", "to": 5, "signal": {"kind": "candidate", "generation": 0, "candidate": "c", "sdp_mid": null, "sdp_m_line_index": 1}})
    );
    assert_eq!(
        serde_json::to_value(ServerMsg::Error {
            error: ErrorCode::UnknownMeeting
        })
        .unwrap(),
        json!({"type": "error", "error": {"code": "unknown_meeting"}})
    );
    assert_eq!(
        serde_json::to_value(ClientMsg::Leave).unwrap(),
        json!({"type": "leave"})
    );
}

#[test]
fn invalid_fields_are_refused_at_deserialize() {
    let id = meeting();
    let cases = [
        json!({"type": "join", "protocol": 1, "meeting": "short", "name": "A", "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "join", "protocol": 1, "meeting": id, "name": "   ", "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "join", "protocol": 1, "meeting": id, "name": "a\u{0007}b", "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "join", "protocol": 1, "meeting": id, "name": "x".repeat(65), "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "media", "media": {"mic": true, "camera": true, "screen": "has space"}}),
        json!({"type": "signal", "to": -1, "signal": {"kind": "candidate", "candidate": "c"}}),
        json!({"type": "shout"}),
    ];
    for case in cases {
        assert!(
            serde_json::from_value::<ClientMsg>(case.clone()).is_err(),
            "accepted {case}"
        );
    }
}

#[test]
fn missing_tier_defaults_to_high_for_older_clients() {
    let media: MediaState =
        serde_json::from_value(json!({"mic": false, "camera": true, "screen": null})).unwrap();
    assert_eq!(media.tier, QualityTier::VideoHigh);
}

#[test]
fn ids_encode_128_bits_and_parse_back() {
    let a = MeetingId::from_random([0xff; 16]);
    let b = MeetingId::from_random([0; 16]);
    assert_eq!(a.as_str().len(), 26);
    assert_eq!(a.as_str(), "h".to_owned() + &"7".repeat(25));
    assert_eq!(b.as_str(), "a".repeat(26));
    assert_ne!(
        MeetingId::from_random([1; 16]),
        MeetingId::from_random([2; 16])
    );
    assert_eq!(MeetingId::parse(a.as_str()).unwrap(), a);
    assert_eq!(
        MeetingId::parse("A".repeat(26).as_str()),
        Err(IdError::Alphabet)
    );
    assert_eq!(
        MeetingId::parse(&"z".repeat(26)),
        Err(IdError::Alphabet),
        "top bits overflow 128"
    );
    assert_eq!(
        MeetingId::parse("abc"),
        Err(IdError::Length { expected: 26 })
    );
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let key = HostKey::from_random([9; 16]);
    assert!(!format!("{key:?}").contains(key.as_str()));
    assert!(!format!("{:?}", ResumeToken::from_random([9; 16])).contains("bbbb"));
}

#[test]
fn text_is_trimmed_and_bounded_in_characters() {
    assert_eq!(name("  Vanna  ").as_str(), "Vanna");
    // 64 Khmer characters are 192 bytes but still fit.
    assert!(DisplayName::parse(&"ក".repeat(64)).is_ok());
    assert_eq!(
        DisplayName::parse(&"ក".repeat(65)),
        Err(TextError::TooLong { max: 64 })
    );
    assert_eq!(MeetingTitle::parse(""), Err(TextError::Empty));
}

#[test]
fn polite_role_is_antisymmetric() {
    let (a, b) = (PeerId(1), PeerId(2));
    assert!(b.is_polite_towards(a));
    assert!(!a.is_polite_towards(b));
}

#[test]
fn fatal_errors_map_to_close_codes_and_back() {
    for code in [
        ErrorCode::UnknownMeeting,
        ErrorCode::MeetingFull,
        ErrorCode::BadHostKey,
        ErrorCode::RateLimited,
        ErrorCode::SessionReplaced,
        ErrorCode::Removed,
        ErrorCode::MeetingEnded,
        ErrorCode::RoomLocked,
        ErrorCode::Denied,
        ErrorCode::RecordUnavailable,
    ]
    .into_iter()
    .chain(InviteRefusal::ALL.map(|reason| ErrorCode::InviteRefused { reason }))
    {
        let close = code.close_code().unwrap();
        assert_eq!(ErrorCode::from_close_code(close), Some(code));
    }
    let codes: std::collections::HashSet<u16> =
        InviteRefusal::ALL.iter().map(|r| r.close_code()).collect();
    assert_eq!(
        codes.len(),
        InviteRefusal::ALL.len(),
        "one close code per refusal"
    );
    assert_eq!(ErrorCode::Malformed.close_code(), None);
    assert_eq!(ErrorCode::from_close_code(1000), None);
}

fn image_id(fill: char) -> ImageId {
    ImageId::try_from(fill.to_string().repeat(64)).unwrap()
}

fn still() -> SlidePage {
    SlidePage::try_from(vec![
        Rendition {
            id: image_id('a'),
            format: ImageFormat::Png,
            width: 480,
            height: 270,
            bytes: 6_000,
        },
        Rendition {
            id: image_id('b'),
            format: ImageFormat::Webp,
            width: 960,
            height: 540,
            bytes: 15_000,
        },
    ])
    .unwrap()
}

fn presentation() -> Presentation {
    Presentation {
        presenter: PeerId(2),
        deck: DeckId::from_random([6; 16]),
        pages: 12,
        page: 3,
    }
}

#[test]
fn slide_pages_check_themselves() {
    let page = still();
    assert_eq!(page.within_bytes(10_000).width, 480);
    assert_eq!(page.within_bytes(20_000).width, 960);
    assert_eq!(
        page.within_bytes(100).width,
        480,
        "the smallest when none fits"
    );
    assert_eq!(page.for_width(500).width, 960);
    assert_eq!(page.for_width(4000).width, 960);
    assert_eq!(
        page.renditions()[0].path(),
        format!("/api/slides/{}.png", "a".repeat(64))
    );
    let mut wrong = Vec::from(page);
    wrong.reverse();
    assert_eq!(SlidePage::try_from(wrong), Err(SlidePageError::Order));
    assert_eq!(SlidePage::try_from(vec![]), Err(SlidePageError::Count));
    assert!(serde_json::from_str::<ImageId>(&format!("\"{}\"", "A".repeat(64))).is_err());
    assert!(serde_json::from_str::<ImageId>("\"abc\"").is_err());
    assert!(serde_json::from_str::<SlidePage>("[]").is_err());
}

#[test]
fn roles_and_refusals_have_pinned_names() {
    for role in Role::ALL {
        assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
    }
    // Records written before roles call a meeting's guest "guest".
    assert_eq!(
        serde_json::from_str::<Role>("\"guest\"").unwrap(),
        Role::Participant
    );
    assert_eq!(
        serde_json::to_string(&ServerMsg::Error {
            error: ErrorCode::InviteRefused {
                reason: InviteRefusal::AlreadyUsed
            }
        })
        .unwrap(),
        r#"{"type":"error","error":{"code":"invite_refused","reason":"already_used"}}"#
    );
    for reason in InviteRefusal::ALL {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
    }
}

#[test]
fn invite_tokens_are_url_safe_and_bounded() {
    assert!(InviteToken::parse("v1.abc-_DEF.xyz").is_ok());
    for bad in ["", "v1.a b", "v1.a+b", "v1.a/b", "v1.a=b"] {
        assert!(InviteToken::parse(bad).is_err(), "{bad:?}");
    }
    assert!(InviteToken::parse(&"a".repeat(InviteToken::MAX_LEN)).is_ok());
    assert_eq!(
        InviteToken::parse(&"a".repeat(InviteToken::MAX_LEN + 1)),
        Err(IdError::Span {
            max: InviteToken::MAX_LEN
        })
    );
    assert_eq!(
        format!("{:?}", InviteToken::parse("v1.secret").unwrap()),
        "InviteToken(..)"
    );
    assert_eq!(
        format!("{:?}", HolderKey::from_random([1; 16])),
        "HolderKey(..)"
    );
}
