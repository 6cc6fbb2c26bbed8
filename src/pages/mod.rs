pub mod home;
pub mod meeting;
pub mod not_found;
