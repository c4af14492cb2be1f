//! Server functions: the only way the UI reaches data. Each parses its input into domain types and
//! checks the caller's role (and institution scope) on the server before anything else.

pub mod analysis;
pub mod audit;
pub mod auth;
pub mod error;
pub mod institutions;
pub mod mail;
pub mod questionnaires;
pub mod rounds;
pub mod survey;
pub mod tokens;
pub mod types;
pub mod users;

pub use error::ApiError;
pub use types::*;
