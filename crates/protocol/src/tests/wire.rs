//! The JSON on the wire, pinned. The texts below were written by the
//! protocol as it was before `Join`, `Welcome` and `Waiting` carried their
//! fields in structs of their own (commit a90c215, from the same values as
//! `round_trip::join()`, `welcome()` and `waiting()`): the newtype variants
//! must write and read exactly them.

use super::round_trip::{join, waiting, welcome};
use super::*;

const JOIN: &str = r#"{"type":"join","protocol":3,"meeting":"aha4dqobyha4dqobyha4dqobyh","name":"Sokha ចាន់","media":{"mic":true,"camera":false,"screen":null,"tier":"video_low","receive":"video_high"},"host_key":"abaeaqcaibaeaqcaibaeaqcaib","resume":"acaibaeaqcaibaeaqcaibaeaqc","invite":"v1.eyJtIjoxfQ.c2ln-_","holder":"adambqgaydambqgaydambqgayd"}"#;

const WELCOME: &str = r#"{"type":"welcome","protocol":3,"you":{"id":1,"name":"Dara","role":"host","media":{"mic":true,"camera":true,"screen":"{abc-123}","tier":"video_high","receive":"video_high"},"hold":{"mic":true,"camera":false},"oath":"oath"},"meeting":{"id":"aha4dqobyha4dqobyha4dqobyh","title":"Cabinet","kind":"hearing"},"peers":[{"id":1,"name":"Dara","role":"host","media":{"mic":true,"camera":true,"screen":"{abc-123}","tier":"video_high","receive":"video_high"},"hold":{"mic":true,"camera":false},"oath":"oath"}],"resume":"adambqgaydambqgaydambqgayd","resumed":false,"transport":"mesh","ice":{"servers":[{"urls":["turn:example.org:3478?transport=udp"],"username":"1700003600:abc.7","credential":"wXp/Re6fBjGULHT1tk0ldSXmKOk="}],"policy":"relay"},"presentation":{"presenter":2,"deck":"agaydambqgaydambqgaydambqg","pages":12,"page":3},"lobby":[{"peer":9,"name":"Witness","role":"witness","link":"fair","excused":true}],"lobby_on":true,"hands":[4,2],"chat":[{"from":2,"name":"Clerk","text":"Please state your name\nfor the record."}],"consultation":2,"consultations":[{"id":1,"members":[{"id":1,"name":"Dara","role":"host","media":{"mic":true,"camera":true,"screen":"{abc-123}","tier":"video_high","receive":"video_high"},"hold":{"mic":true,"camera":false},"oath":"oath"}]}],"acked":41}"#;

const WAITING: &str = r#"{"type":"waiting","protocol":3,"you":{"id":1,"name":"Dara","role":"host","media":{"mic":true,"camera":true,"screen":"{abc-123}","tier":"video_high","receive":"video_high"},"hold":{"mic":true,"camera":false},"oath":"oath"},"meeting":{"id":"aha4dqobyha4dqobyha4dqobyh","title":"Case","kind":"meeting"},"resume":"aeaqcaibaeaqcaibaeaqcaibae","resumed":true,"acked":0}"#;

/// With every optional field left out.
const JOIN_BARE: &str = r#"{"type":"join","protocol":3,"meeting":"aha4dqobyha4dqobyha4dqobyh","name":"Ana","media":{"mic":false,"camera":false,"screen":null,"tier":"video_high","receive":"video_high"}}"#;

/// With every optional field left out and every list empty.
const WELCOME_BARE: &str = r#"{"type":"welcome","protocol":3,"you":{"id":2,"name":"Ana","role":"witness","media":{"mic":false,"camera":false,"screen":null,"tier":"video_high","receive":"video_high"},"hold":{"mic":false,"camera":false}},"meeting":{"id":"aha4dqobyha4dqobyha4dqobyh","title":"Case","kind":"meeting"},"peers":[],"resume":"aeaqcaibaeaqcaibaeaqcaibae","resumed":true,"transport":"mesh","ice":{"servers":[],"policy":"all"},"presentation":null,"lobby":[],"lobby_on":false,"hands":[],"chat":[],"consultations":[],"acked":0}"#;

/// `msg` writes `text`, and both decoders read `text` back to `msg`.
fn pinned_server(msg: ServerMsg, text: &str) {
    assert_eq!(serde_json::to_string(&msg).unwrap(), text);
    assert_eq!(serde_json::from_str::<ServerMsg>(text).unwrap(), msg);
    assert_eq!(
        serde_json::from_str::<TagFirst<ServerMsg>>(text).unwrap(),
        TagFirst(msg)
    );
}

#[test]
fn payload_structs_keep_the_json_of_struct_variants() {
    let msg = ClientMsg::Join(join());
    assert_eq!(serde_json::to_string(&msg).unwrap(), JOIN);
    assert_eq!(serde_json::from_str::<ClientMsg>(JOIN).unwrap(), msg);
    pinned_server(ServerMsg::Welcome(welcome()), WELCOME);
    pinned_server(ServerMsg::Waiting(waiting()), WAITING);

    // Read and written again, to the letter.
    let bare = serde_json::from_str::<ClientMsg>(JOIN_BARE).unwrap();
    assert_eq!(serde_json::to_string(&bare).unwrap(), JOIN_BARE);
    let bare = serde_json::from_str::<ServerMsg>(WELCOME_BARE).unwrap();
    pinned_server(bare, WELCOME_BARE);
}
