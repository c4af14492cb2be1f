//! Server functions: the only way the UI reaches data. Each parses its input into domain types and
//! checks the caller's role (and institution scope) on the server before anything else.

pub mod analysis;
pub mod audit;
pub mod auth;
pub mod colleagues;
pub mod error;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod institutions;
pub mod mail;
pub mod questionnaires;
#[cfg(feature = "ssr")]
mod refusals;
pub mod rounds;
pub mod survey;
pub mod tokens;
pub mod users;

pub use crate::types::*;
pub use error::ApiError;
