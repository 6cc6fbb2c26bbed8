//! The role policy's truth tables, written out as data: a rule changed in
//! `policy.rs` must change a line here too, so the change shows in review.
//! Rows and columns follow `Role::ALL`: host, co-host, participant, witness,
//! interpreter, observer; `x` allows, `.` refuses.

use crate::policy::*;
use crate::Role;

type RoleRule = fn(Role) -> bool;

/// Each line: the rule's name, then one mark per role in `Role::ALL`.
const ONE_ROLE: &[(&str, RoleRule, &str)] = &[
    ("watches_only", watches_only, ".....x"),
    ("may_consult", may_consult, "..xxx."),
    ("may_present", may_present, "xxxxx."),
    ("may_chat", may_chat, "xxxxx."),
    ("waits_in_lobby(on)", |r| waits_in_lobby(r, true), "..xxxx"),
    (
        "waits_in_lobby(off)",
        |r| waits_in_lobby(r, false),
        "......",
    ),
    ("may_enter_locked", may_enter_locked, "xx...."),
    ("admitted_with_all", admitted_with_all, "xxx.xx"),
    ("may_be_sworn", may_be_sworn, "...xx."),
];

/// Each entry: the rule's name, then one line per acting role (`by`), one
/// mark per target role.
type PairRule = fn(Role, Role) -> bool;
const TWO_ROLES: &[(&str, PairRule, [&str; 6])] = &[
    (
        "may_remove",
        may_remove,
        ["xxxxxx", ".xxxxx", "......", "......", "......", "......"],
    ),
    (
        "may_hold",
        may_hold,
        ["..xxx.", "..xxx.", "......", "......", "......", "......"],
    ),
    (
        "may_excuse",
        may_excuse,
        ["..xxxx", "..xxxx", "......", "......", "......", "......"],
    ),
    (
        "may_set_role(to host)",
        |by, target| may_set_role(by, target, Role::Host),
        ["......", "......", "......", "......", "......", "......"],
    ),
    (
        "may_set_role(to co-host)",
        |by, target| may_set_role(by, target, Role::CoHost),
        [".xxxxx", "......", "......", "......", "......", "......"],
    ),
    (
        "may_set_role(to participant)",
        |by, target| may_set_role(by, target, Role::Participant),
        [".xxxxx", "......", "......", "......", "......", "......"],
    ),
    (
        "may_set_role(to witness)",
        |by, target| may_set_role(by, target, Role::Witness),
        [".xxxxx", "......", "......", "......", "......", "......"],
    ),
    (
        "may_set_role(to interpreter)",
        |by, target| may_set_role(by, target, Role::Interpreter),
        [".xxxxx", "......", "......", "......", "......", "......"],
    ),
    (
        "may_set_role(to observer)",
        |by, target| may_set_role(by, target, Role::Observer),
        [".xxxxx", "......", "......", "......", "......", "......"],
    ),
];

fn marks(row: &str) -> Vec<bool> {
    assert_eq!(row.len(), Role::ALL.len(), "one mark per role: {row:?}");
    row.chars()
        .map(|c| match c {
            'x' => true,
            '.' => false,
            other => panic!("mark {other:?}: use x or ."),
        })
        .collect()
}

#[test]
fn one_role_rules_match_their_table() {
    for (name, rule, row) in ONE_ROLE {
        for (role, expected) in Role::ALL.into_iter().zip(marks(row)) {
            assert_eq!(rule(role), expected, "{name}({role:?})");
        }
    }
}

#[test]
fn two_role_rules_match_their_table() {
    for (name, rule, rows) in TWO_ROLES {
        for (by, row) in Role::ALL.into_iter().zip(rows) {
            for (target, expected) in Role::ALL.into_iter().zip(marks(row)) {
                assert_eq!(rule(by, target), expected, "{name}({by:?}, {target:?})");
            }
        }
    }
}
