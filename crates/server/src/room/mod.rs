//! Meeting rooms: the sans-IO [`machine`], its tokio [`actor`] shell and the
//! [`registry`] of live rooms.

pub mod actor;
pub mod machine;
pub mod registry;

#[cfg(test)]
mod tests;

pub use machine::{ConnId, Holder, IceAt, Input, Invited, Join, Output, Restored, Room, Session};
pub use registry::Registry;
