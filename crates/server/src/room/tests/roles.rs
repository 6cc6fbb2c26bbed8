//! Role changes on virtual time: the host makes a co-host, takes it back,
//! sends someone to the gallery and back; only the host may.

use super::consulting::three;
use super::lobby::{knock, knocked, waiting};
use super::*;
use sala_protocol::LinkQuality;

fn role_changed(n: u64, from: Role, to: Role) -> Output {
    Output::Record(Event::RoleChanged {
        peer: PeerId(n),
        name: name(n),
        from,
        to,
        by: PeerId(1),
    })
}
fn set_role(c: u64, peer: u64, role: Role) -> Input {
    msg(
        c,
        ClientMsg::SetRole {
            peer: PeerId(peer),
            role,
        },
    )
}
fn told_role(to: &[u64], peer: u64, role: Role) -> Vec<Output> {
    to.iter()
        .map(|c| {
            send(
                *c,
                ServerMsg::PeerRole {
                    peer: PeerId(peer),
                    role,
                },
            )
        })
        .collect()
}
fn told_hold(to: &[u64], peer: u64, on: bool) -> Vec<Output> {
    to.iter()
        .map(|c| {
            send(
                *c,
                ServerMsg::PeerHold {
                    peer: PeerId(peer),
                    hold: Hold {
                        mic: on,
                        camera: on,
                    },
                },
            )
        })
        .collect()
}

#[test]
fn role_changes() {
    let mut steps = three();
    steps.extend([
        In(1, set_role(1, 2, Role::CoHost), {
            let mut out = vec![role_changed(2, Role::Participant, Role::CoHost)];
            out.extend(told_role(&[1, 2, 3], 2, Role::CoHost));
            out
        }),
        // Only the host gives roles, never its own, and never the host's.
        In(
            2,
            set_role(2, 3, Role::CoHost),
            vec![err(2, ErrorCode::NotAllowed)],
        ),
        In(
            2,
            set_role(3, 3, Role::CoHost),
            vec![err(3, ErrorCode::NotAllowed)],
        ),
        In(
            2,
            set_role(1, 1, Role::Participant),
            vec![err(1, ErrorCode::NotAllowed)],
        ),
        In(
            2,
            set_role(1, 3, Role::Host),
            vec![err(1, ErrorCode::NotAllowed)],
        ),
        In(
            2,
            set_role(1, 9, Role::CoHost),
            vec![err(1, ErrorCode::UnknownPeer)],
        ),
        // The same role again: nothing.
        In(3, set_role(1, 2, Role::CoHost), vec![]),
        // To the gallery: held for good; back: released.
        In(4, set_role(1, 3, Role::Observer), {
            let mut out = vec![role_changed(3, Role::Participant, Role::Observer)];
            out.extend(told_role(&[1, 2, 3], 3, Role::Observer));
            out.extend(told_hold(&[1, 2, 3], 3, true));
            out
        }),
        In(5, set_role(1, 3, Role::Participant), {
            let mut out = vec![role_changed(3, Role::Observer, Role::Participant)];
            out.extend(told_role(&[1, 2, 3], 3, Role::Participant));
            out.extend(told_hold(&[1, 2, 3], 3, false));
            out
        }),
        // The co-host taken back to participant.
        In(6, set_role(1, 2, Role::Participant), {
            let mut out = vec![role_changed(2, Role::CoHost, Role::Participant)];
            out.extend(told_role(&[1, 2, 3], 2, Role::Participant));
            out
        }),
    ]);
    run(
        "the host makes a co-host and sends someone to the gallery",
        steps,
    );
}

#[test]
fn a_new_co_host_learns_who_waits() {
    let knock = knock(3, Role::Participant, LinkQuality::Unknown, false);
    let lobby_set = |c: u64| send(c, ServerMsg::LobbySet { on: true });
    run(
        "made co-host while someone knocks: it is told of the knock at once",
        vec![
            host_first(),
            In(0, guest(2, 2), joined_after_host(2, 2)),
            In(
                1,
                msg(1, ClientMsg::SetLobby { on: true }),
                vec![
                    Output::Record(Event::LobbySet {
                        on: true,
                        by: PeerId(1),
                    }),
                    lobby_set(1),
                    lobby_set(2),
                ],
            ),
            In(
                2,
                guest(3, 3),
                vec![
                    knocked(3, Role::Participant, None),
                    waiting(3, info(3, Role::Participant), 3, false, meeting()),
                    send(
                        1,
                        ServerMsg::Knocking {
                            knock: knock.clone(),
                        },
                    ),
                ],
            ),
            In(3, set_role(1, 2, Role::CoHost), {
                let mut out = vec![role_changed(2, Role::Participant, Role::CoHost)];
                out.extend(told_role(&[1, 2], 2, Role::CoHost));
                out.push(send(2, ServerMsg::Knocking { knock }));
                out
            }),
        ],
    );
}

#[test]
fn the_gallery_shares_nothing() {
    // What the gallery's held media looks like to the others.
    let watching = MediaState {
        mic: false,
        camera: false,
        screen: None,
        ..sharing()
    };
    let no_presentation = ServerMsg::Presentation { presentation: None };
    let mut steps = three();
    steps.extend([
        In(1, msg(3, ClientMsg::Media { media: sharing() }), {
            let mut out = vec![screen_shared(3, true)];
            out.extend([1, 2].map(|c| {
                send(
                    c,
                    ServerMsg::PeerMedia {
                        peer: PeerId(3),
                        media: sharing(),
                    },
                )
            }));
            out
        }),
        In(2, present(3, 0), {
            let mut out = vec![shown(3, 0)];
            out.extend([1, 2, 3].map(|c| send(c, showing(3, 0))));
            out
        }),
        // Sent to the gallery while sharing and presenting: both stop.
        In(3, set_role(1, 3, Role::Observer), {
            let mut out = vec![role_changed(3, Role::Participant, Role::Observer)];
            out.extend(told_role(&[1, 2, 3], 3, Role::Observer));
            out.extend(told_hold(&[1, 2, 3], 3, true));
            out.push(screen_shared(3, false));
            out.extend([1, 2].map(|c| {
                send(
                    c,
                    ServerMsg::PeerMedia {
                        peer: PeerId(3),
                        media: watching.clone(),
                    },
                )
            }));
            out.push(stopped(3));
            out.extend([1, 2, 3].map(|c| send(c, no_presentation.clone())));
            out
        }),
        // A modified client in the gallery announces a screen and presents:
        // nobody hears of a screen, the deck is refused, so is a still.
        In(4, msg(3, ClientMsg::Media { media: sharing() }), {
            [1, 2]
                .map(|c| {
                    send(
                        c,
                        ServerMsg::PeerMedia {
                            peer: PeerId(3),
                            media: watching.clone(),
                        },
                    )
                })
                .into()
        }),
        In(5, present(3, 0), vec![err(3, ErrorCode::NotAllowed)]),
        In(
            6,
            msg(3, ClientMsg::ScreenStill { still: still() }),
            vec![err(3, ErrorCode::NotSharing)],
        ),
    ]);
    run(
        "sent to the gallery: its screen and slides stop, and it can start neither",
        steps,
    );
}
