//! Who may do what, by role: each rule stated once, here, so that the room
//! machine (which enforces it) and the UI (which only offers what will be
//! allowed) cannot drift apart. The server is the authority; a rule changed
//! here changes both, and the truth tables in this crate's tests show it as
//! a diff.
//!
//! Only roles are judged here. Where someone is (in the room, the lobby, a
//! consultation) and whether the target is oneself stay with the caller:
//! they are facts of the moment, not of the role.

use crate::Role;

/// The public gallery watches and listens only: nothing of it is captured
/// or shown, its microphone and camera are held from the start and for
/// good, and it shares no screen.
pub fn watches_only(role: Role) -> bool {
    role == Role::Observer
}

/// Counsel, a party, a witness or an interpreter may consult privately;
/// those who run the meeting and the public gallery may not (asker and
/// asked alike).
pub fn may_consult(role: Role) -> bool {
    !role.moderates() && !watches_only(role)
}

/// A moderator may remove anyone but a host; only a host removes a host.
pub fn may_remove(by: Role, target: Role) -> bool {
    by.moderates() && (target != Role::Host || by == Role::Host)
}

/// A moderator may hold the microphone and camera of anyone who does not
/// moderate, except the public gallery, which is held for good already.
pub fn may_hold(by: Role, target: Role) -> bool {
    by.moderates() && !target.moderates() && !watches_only(target)
}

/// A moderator may send anyone who does not moderate back to the lobby.
pub fn may_excuse(by: Role, target: Role) -> bool {
    by.moderates() && !target.moderates()
}

/// Only a host gives roles: any role but host, to anyone but a host.
pub fn may_set_role(by: Role, target: Role, to: Role) -> bool {
    by == Role::Host && target != Role::Host && to != Role::Host
}

/// Anyone but the public gallery may present slides or a screen (when in
/// the room).
pub fn may_present(role: Role) -> bool {
    !watches_only(role)
}

/// Anyone but the public gallery may chat.
pub fn may_chat(role: Role) -> bool {
    !watches_only(role)
}

/// While the lobby is on, everyone but those who run the meeting waits
/// there to be let in.
pub fn waits_in_lobby(role: Role, lobby_on: bool) -> bool {
    lobby_on && !role.moderates()
}

/// Only those who run the meeting get into a locked room.
pub fn may_enter_locked(role: Role) -> bool {
    role.moderates()
}

/// "Admit all" lets in everyone waiting but witnesses, who are called one by
/// one (turning the lobby off does the same).
pub fn admitted_with_all(role: Role) -> bool {
    role != Role::Witness
}

/// Witnesses and interpreters are the ones asked to take the oath.
pub fn may_be_sworn(role: Role) -> bool {
    matches!(role, Role::Witness | Role::Interpreter)
}
