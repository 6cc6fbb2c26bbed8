//! The record as a court gets it: verified from the database file by the
//! `sala-server record` command, damage named, and nothing acknowledged lost
//! when the server is killed mid-burst.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sala_protocol::{
    ChatText, ClientMsg, DisplayName, HostKey, Join, MediaState, MeetingId, MeetingInfo,
    MeetingTitle, PeerId, Role, ServerMsg, Welcome, PROTOCOL_VERSION,
};
use sala_record::{Break, Event, Problem};
use sala_server::record::Report;
use sala_server::Db;
use tokio_tungstenite::tungstenite::Message;

const SERVER: &str = env!("CARGO_BIN_EXE_sala-server");

mod support;

async fn meeting_in(dir: &Path) -> (Db, MeetingId) {
    let db = Db::open_in_dir(dir).unwrap();
    let id = MeetingId::from_random([7; 16]);
    let info = MeetingInfo {
        id: id.clone(),
        title: MeetingTitle::parse("Case 12/2026").unwrap(),
        kind: sala_protocol::MeetingKind::Meeting,
    };
    db.create_meeting(info, HostKey::from_random([8; 16]), 0)
        .await
        .unwrap();
    (db, id)
}

fn joined(n: u64) -> Event {
    Event::Joined {
        peer: PeerId(n),
        name: DisplayName::parse(&format!("Witness {n}")).unwrap(),
        role: Role::Participant,
        invite: None,
    }
}

/// `sala-server record …` on `dir`: exit status and stdout.
fn record_cmd(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(SERVER)
        .arg("--data-dir")
        .arg(dir)
        .arg("record")
        .args(args)
        .env_remove("SALA_DATA_DIR")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The database as someone with the file could change it.
fn tamper(dir: &Path, sql: &str) -> rusqlite::Result<usize> {
    let c = rusqlite::Connection::open(dir.join(sala_server::db::DB_FILE)).unwrap();
    c.execute_batch(sql).map(|()| c.changes() as usize)
}

#[tokio::test]
async fn verify_names_the_first_damaged_entry_and_export_shows_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let (db, meeting) = meeting_in(dir.path()).await;
    for n in 1..=5 {
        db.append(meeting.clone(), joined(n), 1_790_000_000_000 + n as i64)
            .await
            .unwrap();
    }
    drop(db);
    let id = meeting.as_str();

    let (ok, out) = record_cmd(dir.path(), &["verify", id]);
    assert!(ok, "{out}");
    assert!(out.starts_with("whole: 5 entries, head "), "{out}");
    let head = out.trim().rsplit(' ').next().unwrap().to_owned();

    let (ok, text) = record_cmd(dir.path(), &["export", id]);
    assert!(ok);
    assert!(text.contains("Record of \"Case 12/2026\""), "{text}");
    assert!(
        text.contains(
            "    3  2026-09-21T14:13:20.003Z  Witness 3 (participant 3) joined as participant"
        ),
        "{text}"
    );
    let (ok, json) = record_cmd(dir.path(), &["export", id, "--format", "json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["chain"]["head"], head.as_str());
    assert_eq!(json["entries"][4]["event"]["name"], "Witness 5");

    // Plain SQL cannot change the record…
    let refused = tamper(dir.path(), "UPDATE record SET at = at + 1 WHERE seq = 3").unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    assert!(tamper(dir.path(), "DELETE FROM record WHERE seq = 5").is_err());
    // …and whoever drops the guards is named at the first entry touched.
    tamper(
        dir.path(),
        "DROP TRIGGER record_no_update; DROP TRIGGER record_no_delete;
         UPDATE record SET event = replace(event, 'Witness 3', 'Witness 9') WHERE seq = 3;",
    )
    .unwrap();
    let (ok, out) = record_cmd(dir.path(), &["verify", id]);
    assert!(!ok, "a broken chain fails the command");
    assert_eq!(
        out.trim(),
        "BROKEN at entry 3: its contents do not match its hash (edited)"
    );
    let report = Report::load(&Db::open_in_dir(dir.path()).unwrap(), meeting.clone(), None)
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Err(Break {
            seq: 3,
            problem: Problem::Edited
        })
    );
    assert!(report.text().contains("Chain BROKEN at entry 3"));

    // The last entry removed: whole on its own, caught by the head exported before.
    let dir2 = tempfile::tempdir().unwrap();
    let (db, meeting) = meeting_in(dir2.path()).await;
    for n in 1..=3 {
        db.append(meeting.clone(), joined(n), n as i64)
            .await
            .unwrap();
    }
    drop(db);
    let (_, out) = record_cmd(dir2.path(), &["verify", meeting.as_str()]);
    let head = out.trim().rsplit(' ').next().unwrap().to_owned();
    tamper(
        dir2.path(),
        "DROP TRIGGER record_no_delete; DELETE FROM record WHERE seq = 3;",
    )
    .unwrap();
    assert!(record_cmd(dir2.path(), &["verify", meeting.as_str()]).0);
    let (ok, out) = record_cmd(dir2.path(), &["verify", meeting.as_str(), "--head", &head]);
    assert!(!ok);
    assert!(
        out.starts_with("BROKEN at entry 3: the head expected is in none of its 2 entries"),
        "{out}"
    );
}

#[test]
fn bad_arguments_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(SERVER)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let id = MeetingId::from_random([1; 16]);
    let (ok, err) = run(&["record", "verify", id.as_str()]);
    assert!(!ok);
    assert!(err.contains("no Sala database in"), "{err}");
    assert!(
        !dir.path().join(sala_server::db::DB_FILE).exists(),
        "verify creates nothing"
    );
    let (ok, err) = run(&["record", "verify", "not-a-meeting"]);
    assert!(!ok);
    assert!(err.contains("invalid value 'not-a-meeting'"), "{err}");
    let (ok, err) = run(&["record", "verify", id.as_str(), "--head", "abc"]);
    assert!(!ok);
    assert!(err.contains("a digest is 64 hex digits"), "{err}");
}

/// Joins one peer after another on one socket each; every Welcome (the
/// acknowledgement of a join) is noted until the server goes away.
async fn join_until_gone(
    addr: String,
    meeting: MeetingId,
    acked: Arc<Mutex<Vec<PeerId>>>,
    more: Arc<tokio::sync::Notify>,
) {
    for i in 0..1000 {
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await
        else {
            return;
        };
        let join = ClientMsg::Join(Join {
            protocol: PROTOCOL_VERSION,
            meeting: meeting.clone(),
            name: DisplayName::parse(&format!("Burst {i}")).unwrap(),
            media: MediaState::default(),
            host_key: None,
            resume: None,
            invite: None,
            holder: None,
        });
        if ws
            .send(Message::text(serde_json::to_string(&join).unwrap()))
            .await
            .is_err()
        {
            return;
        }
        let welcomed = loop {
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    if let Ok(ServerMsg::Welcome(Welcome { you, .. })) =
                        serde_json::from_str(t.as_str())
                    {
                        acked.lock().unwrap().push(you.id);
                        more.notify_one();
                        break true;
                    }
                }
                Ok(Some(Ok(_))) => {}
                _ => break false,
            }
        };
        // Refused (the meeting full for a moment) or cut: try again; a
        // server that is gone fails the next connect.
        if !welcomed {
            continue;
        }
        let leave = serde_json::to_string(&ClientMsg::Leave).unwrap();
        if ws.send(Message::text(leave)).await.is_err() {
            return;
        }
        // Until the server closes: the leave is handled before the next join
        // (a socket dropped first would leave its peer listed for the resume
        // grace, and the meeting would fill up).
        while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(5), ws.next()).await {}
    }
}

/// A child server killed when the test ends, however it ends: a failed
/// assertion must not leave a server running on the machine.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        // Already gone when the test killed it itself.
        drop(self.0.kill());
        drop(self.0.wait());
    }
}

/// A server on `dir`, and the address it listens on.
fn start(dir: &Path) -> (Killed, String) {
    let mut server = Command::new(SERVER)
        .args(["--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .arg("--dist")
        .arg(dir.join("dist"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map(Killed)
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("Sala is listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (server, addr)
}

/// What the record of `meeting` in `dir` holds, in order.
async fn events(dir: &Path, meeting: &MeetingId) -> Vec<Event> {
    let db = Db::open_in_dir(dir).unwrap();
    let report = Report::load(&db, meeting.clone(), None).await.unwrap();
    report.verdict.as_ref().expect("the chain is whole");
    report
        .rows
        .iter()
        .map(|r| serde_json::from_str(&r.entry.event).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_burst_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let (db, meeting) = meeting_in(dir.path()).await;
    drop(db);
    let (mut server, addr) = start(dir.path());

    let acked = Arc::new(Mutex::new(Vec::new()));
    let more = Arc::new(tokio::sync::Notify::new());
    let clients: Vec<_> = (0..12)
        .map(|_| {
            let client =
                join_until_gone(addr.clone(), meeting.clone(), acked.clone(), more.clone());
            tokio::spawn(client)
        })
        .collect();
    // Killed (SIGKILL) once 60 joins are acknowledged, with twelve more on the way.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while acked.lock().unwrap().len() < 60 {
        tokio::time::timeout_at(deadline, more.notified())
            .await
            .expect("the burst stalled");
    }
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();

    let db = Db::open_in_dir(dir.path()).unwrap();
    let report = Report::load(&db, meeting.clone(), None).await.unwrap();
    let entries = report.verdict.as_ref().expect("the chain is whole").entries;
    let recorded: Vec<PeerId> = report
        .rows
        .iter()
        .filter_map(|r| match serde_json::from_str(&r.entry.event).unwrap() {
            Event::Joined { peer, .. } => Some(peer),
            _ => None,
        })
        .collect();
    let lost: Vec<_> = acked.iter().filter(|p| !recorded.contains(p)).collect();
    assert!(lost.is_empty(), "acknowledged but not recorded: {lost:?}");
    assert!(
        acked.len() >= 60 && entries as usize >= acked.len(),
        "{} acked, {entries} entries",
        acked.len()
    );

    // Started again: the record says who was in the room when it stopped,
    // and no participant number is given twice.
    let before = events(dir.path(), &meeting).await;
    let mut attendance = sala_record::Attendance::default();
    before.iter().for_each(|e| attendance.note(e));
    let (_server, addr) = start(dir.path());
    let acked = Arc::new(Mutex::new(Vec::new()));
    let more = Arc::new(tokio::sync::Notify::new());
    let client = tokio::spawn(join_until_gone(
        addr,
        meeting.clone(),
        acked.clone(),
        more.clone(),
    ));
    tokio::time::timeout(Duration::from_secs(30), more.notified())
        .await
        .expect("nobody got in after the restart");
    let newcomer = acked.lock().unwrap()[0];
    assert!(
        newcomer.0 > attendance.last_peer,
        "participant {} was given before the restart too",
        newcomer.0
    );
    client.abort();
    let after = events(dir.path(), &meeting).await;
    assert_eq!(
        after[before.len()],
        Event::RoomRestarted {
            dropped: attendance.present()
        },
        "the restart is the first entry after the kill"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_again_after_a_restart_is_recognised_not_recorded_twice() {
    use support::client::{connect, join_msg, recv, send};
    let dir = tempfile::tempdir().unwrap();
    let (db, meeting) = meeting_in(dir.path()).await;
    drop(db);
    let (mut server, addr) = start(dir.path());
    let mut ws = connect(addr.parse().unwrap()).await;
    send(&mut ws, &join_msg(&meeting, "Counsel", None, None)).await;
    let ServerMsg::Welcome(Welcome { you, resume, .. }) = recv(&mut ws).await else {
        panic!("expected a Welcome");
    };
    let objection = ClientMsg::Reliable {
        seq: 1,
        msg: Box::new(ClientMsg::Chat {
            text: ChatText::parse("Objection").unwrap(),
        }),
    };
    send(&mut ws, &objection).await;
    // Committed (the Ack says so) — and then the server is killed, as if
    // the Ack had been cut on its way.
    while recv(&mut ws).await != (ServerMsg::Ack { seq: 1 }) {}
    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let (_server, addr) = start(dir.path());
    let mut ws = connect(addr.parse().unwrap()).await;
    send(&mut ws, &join_msg(&meeting, "Counsel", None, Some(resume))).await;
    let ServerMsg::Welcome(Welcome {
        you: back, acked, ..
    }) = recv(&mut ws).await
    else {
        panic!("expected a Welcome");
    };
    assert_eq!(
        (back.id, acked),
        (you.id, 1),
        "the same participant, as far on"
    );
    // A client that sends it again anyway is acknowledged, nothing redone.
    send(&mut ws, &objection).await;
    assert_eq!(recv(&mut ws).await, ServerMsg::Ack { seq: 1 });
    let chats = events(dir.path(), &meeting)
        .await
        .into_iter()
        .filter(|e| matches!(e, Event::Chat { .. }))
        .count();
    assert_eq!(chats, 1);
}
