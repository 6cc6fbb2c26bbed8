//! Meeting rooms: the sans-IO [`machine`], its tokio [`actor`] shell and the
//! [`registry`] of live rooms.

pub mod actor;
pub mod machine;
pub mod registry;

#[cfg(test)]
mod tests;

pub use machine::{ConnId, EventKind, Input, Invited, Join, Output, Room, RoomEvent};
pub use registry::Registry;
