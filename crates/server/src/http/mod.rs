//! HTTP handlers.

pub mod admission;
pub mod error;
pub mod invites;
pub mod meetings;
pub mod rate;
pub mod record;
pub mod slides;
pub mod static_files;
pub mod ws;

pub use error::AppError;
