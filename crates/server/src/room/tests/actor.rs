//! The room's actor with the machine inside it, on tokio: what reaches a
//! room from its sockets is done in the order the sockets read it.

use std::time::Duration;

use sala_protocol::{
    ClientMsg, DisplayName, HostKey, LeaveReason, MediaState, MeetingId, MeetingInfo, MeetingKind,
    MeetingTitle, PeerId, ServerMsg,
};

use crate::db::Db;
use crate::room::actor::{outbox, JoinRequest, Outbound, OutboxRx, RoomHandle};
use crate::room::{ConnId, Registry};

struct Socket {
    conn: ConnId,
    rx: OutboxRx,
    room: RoomHandle,
}

async fn join(
    rooms: &Registry,
    meeting: &MeetingId,
    conn: u64,
    name: &str,
    key: Option<HostKey>,
) -> Socket {
    let (tx, rx) = outbox();
    let req = JoinRequest {
        conn: ConnId(conn),
        tx,
        name: DisplayName::parse(name).unwrap(),
        media: MediaState::default(),
        host_key: key,
        resume: None,
        invited: None,
        holder: None,
    };
    let room = rooms.join(meeting.clone(), req).await.expect("room");
    match next(&rx).await {
        ServerMsg::Welcome(_) => {}
        other => panic!("{name} got {other:?}, not a welcome"),
    }
    Socket {
        conn: ConnId(conn),
        rx,
        room,
    }
}

/// The next message, within a bound.
async fn next(rx: &OutboxRx) -> ServerMsg {
    match tokio::time::timeout(Duration::from_secs(10), rx.recv_async()).await {
        Ok(Ok(Outbound::Msg(msg))) => *msg,
        other => panic!("no message: {other:?}"),
    }
}

/// A browser leaves and closes its socket at once: the socket's send side
/// is gone before the room has read the `Leave` that came before the close.
/// A message the room sends it meanwhile finds the queue closed; that is
/// not a socket too slow to keep up, and its `Leave` still counts.
#[tokio::test]
async fn a_leave_read_before_the_close_counts_though_the_queue_closed_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_in_dir(dir.path()).unwrap();
    let meeting = MeetingInfo {
        id: MeetingId::from_random([3; 16]),
        title: MeetingTitle::parse("Budget").unwrap(),
        kind: MeetingKind::Meeting,
    };
    let key = HostKey::from_random([4; 16]);
    db.create_meeting(meeting.clone(), key.clone(), 0)
        .await
        .unwrap();
    let rooms = Registry::new(db, Default::default());
    let host = join(&rooms, &meeting.id, 1, "Host", Some(key)).await;
    let guest = join(&rooms, &meeting.id, 2, "Guest", None).await;
    assert!(matches!(next(&host.rx).await, ServerMsg::PeerJoined { .. }));

    // The guest's socket has read its `Leave` and closed: its queue is gone.
    let Socket { conn, rx, room } = guest;
    drop(rx);
    // The host changes its media (to the guest too), then the guest's
    // `Leave` and its socket's end reach the room, in that order.
    let media = MediaState {
        mic: true,
        ..MediaState::default()
    };
    let changed = ClientMsg::Media { media };
    host.room
        .message(host.conn, Some(1), changed)
        .await
        .unwrap();
    room.message(conn, Some(1), ClientMsg::Leave).await.unwrap();
    room.disconnected(conn).await;

    loop {
        match next(&host.rx).await {
            ServerMsg::PeerLeft { peer, reason } => {
                assert_eq!((peer, reason), (PeerId(2), LeaveReason::Left));
                break;
            }
            ServerMsg::Ack { .. } | ServerMsg::PeerMedia { .. } => {}
            other => panic!("the host got {other:?}"),
        }
    }
}
