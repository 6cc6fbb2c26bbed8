//! Chains built with [`Chain`], then damaged the ways a database file can be.

use super::*;
use sala_protocol::{DisplayName, PeerId, Role};

fn meeting() -> MeetingId {
    MeetingId::parse("abcdefghijkmnpqrstuvwxyz23").unwrap()
}

fn name(n: &str) -> DisplayName {
    DisplayName::parse(n).unwrap()
}

/// A chain of `n` entries, a second apart, as the server would store it.
fn chain(n: u64) -> Vec<Row> {
    let mut c = Chain::after(meeting(), None);
    (1..=n)
        .map(|i| {
            let event = if i % 2 == 1 {
                Event::Joined {
                    peer: PeerId(i),
                    name: name(&format!("Person {i}")),
                    role: Role::Participant,
                    invite: None,
                }
            } else {
                Event::Left {
                    peer: PeerId(i - 1),
                    name: name(&format!("Person {}", i - 1)),
                }
            };
            let row = c.next(1_700_000_000_000 + i as i64 * 1000, &event);
            c.committed(&row);
            row
        })
        .collect()
}

fn check(rows: Vec<Row>) -> Result<Verified, Break> {
    verify(&meeting(), rows, None)
}

fn broken_at(seq: u64, problem: Problem) -> Result<Verified, Break> {
    Err(Break { seq, problem })
}

#[test]
fn a_whole_chain_verifies_and_reports_its_head() {
    let rows = chain(6);
    let head = rows[5].hash;
    assert_eq!(check(rows), Ok(Verified { entries: 6, head }));
    assert_eq!(
        check(Vec::new()),
        Ok(Verified {
            entries: 0,
            head: Digest::GENESIS
        })
    );
}

#[test]
fn a_chain_goes_on_where_the_stored_rows_end() {
    let mut rows = chain(3);
    let mut c = Chain::after(meeting(), rows.last());
    let row = c.next(
        1_700_000_009_000,
        &Event::Resumed {
            peer: PeerId(1),
            name: name("Person 1"),
        },
    );
    assert_eq!(row.entry.seq, 4);
    assert_eq!(c.head(), rows[2].hash, "the head moves only once committed");
    c.committed(&row);
    assert_eq!(c.head(), row.hash);
    rows.push(row);
    assert!(check(rows).is_ok());
}

#[test]
fn damage_is_named_at_the_first_entry_that_does_not_fit() {
    type Damage = fn(&mut Vec<Row>);
    let cases: [(&str, Damage, Result<Verified, Break>); 8] = [
        (
            "an event's text edited",
            |r| r[2].entry.event = r[2].entry.event.replace("Person 3", "Person 9"),
            broken_at(3, Problem::Edited),
        ),
        (
            "a time edited",
            |r| r[3].entry.at_ms += 60_000,
            broken_at(4, Problem::Edited),
        ),
        (
            "an entry edited and its hash recomputed",
            |r| {
                r[2].entry.event = r[2].entry.event.replace("Person 3", "Person 9");
                r[2].hash = digest(&meeting(), &r[2].prev, &r[2].entry);
            },
            broken_at(4, Problem::Unlinked),
        ),
        (
            "an entry deleted",
            |r| {
                r.remove(2);
            },
            broken_at(3, Problem::Missing { found: 4 }),
        ),
        (
            "an entry deleted and the rest renumbered",
            |r| {
                r.remove(2);
                for row in &mut r[2..] {
                    row.entry.seq -= 1;
                }
            },
            broken_at(3, Problem::Edited),
        ),
        (
            "two entries swapped, numbers kept in order",
            |r| {
                r.swap(1, 2);
                (r[1].entry.seq, r[2].entry.seq) = (2, 3);
            },
            broken_at(2, Problem::Edited),
        ),
        (
            "an entry stored twice",
            |r| {
                let again = r[1].clone();
                r.insert(2, again);
            },
            broken_at(2, Problem::OutOfOrder { after: 2 }),
        ),
        (
            "an entry from another meeting's chain",
            |r| {
                let other = Chain::after(
                    MeetingId::parse("dzzzzzzzzzzzzzzzzzzzzzzzzz").unwrap(),
                    Some(&r[1]),
                );
                let row = other.next(
                    r[2].entry.at_ms,
                    &Event::Lost {
                        peer: PeerId(1),
                        name: name("Person 1"),
                    },
                );
                r[2] = row;
            },
            broken_at(3, Problem::Edited),
        ),
    ];
    for (what, damage, want) in cases {
        let mut rows = chain(6);
        damage(&mut rows);
        assert_eq!(check(rows), want, "{what}");
    }
}

#[test]
fn entries_cut_off_the_end_are_caught_by_an_earlier_head() {
    let rows = chain(6);
    let exported = rows[5].hash;
    let cut: Vec<Row> = rows[..4].to_vec();
    let whole_but_shorter = check(cut.clone()).unwrap();
    assert_eq!(
        whole_but_shorter.entries, 4,
        "a shorter chain is still whole"
    );
    assert_eq!(
        verify(&meeting(), cut, Some(exported)),
        broken_at(
            5,
            Problem::HeadNotFound {
                entries: 4,
                head: rows[3].hash
            }
        )
    );
    // Entries recorded after the export are no reason for alarm.
    let mid = rows[2].hash;
    assert!(verify(&meeting(), rows.clone(), Some(mid)).is_ok());
    // A chain rebuilt from scratch after a deletion verifies on its own; the
    // head kept elsewhere is what catches it.
    let mut rebuilt = Chain::after(meeting(), None);
    let forged: Vec<Row> = rows
        .iter()
        .filter(|r| r.entry.seq != 3)
        .map(|r| {
            let event: Event = serde_json::from_str(&r.entry.event).unwrap();
            let row = rebuilt.next(r.entry.at_ms, &event);
            rebuilt.committed(&row);
            row
        })
        .collect();
    assert!(check(forged.clone()).is_ok());
    assert!(matches!(
        verify(&meeting(), forged, Some(exported)),
        Err(Break {
            problem: Problem::HeadNotFound { .. },
            ..
        })
    ));
}

#[test]
fn an_event_the_record_does_not_know_is_named() {
    let mut rows = chain(2);
    rows[1].entry.event = r#"{"type":"teleported","peer":1}"#.into();
    rows[1].hash = digest(&meeting(), &rows[1].prev, &rows[1].entry);
    assert!(matches!(
        check(rows),
        Err(Break {
            seq: 2,
            problem: Problem::Unreadable(_)
        })
    ));
}

#[test]
fn digests_read_back_from_hex() {
    let d = chain(1)[0].hash;
    let hex = d.to_string();
    assert_eq!(hex.len(), 64);
    assert_eq!(hex.parse::<Digest>(), Ok(d));
    assert_eq!(Digest::GENESIS.to_string(), "0".repeat(64));
    for bad in ["", "abc", &"g".repeat(64), &"0".repeat(63), &"0".repeat(65)] {
        assert_eq!(bad.parse::<Digest>(), Err(BadDigest), "{bad:?}");
    }
}

#[test]
fn the_stored_shape_of_events_is_pinned() {
    let joined = Event::Joined {
        peer: PeerId(7),
        name: name("Sok Dara"),
        role: Role::Host,
        invite: None,
    };
    assert_eq!(
        serde_json::to_string(&joined).unwrap(),
        r#"{"type":"joined","peer":7,"name":"Sok Dara","role":"host"}"#
    );
    assert_eq!(joined.describe(), "Sok Dara (participant 7) joined as host");
}
