//! Pure domain rules. No I/O here: this module compiles for the server and for WASM, so the browser
//! and the server apply the same rules.

pub mod aggregate;
pub mod contacts;
pub mod csv;
pub mod email;
pub mod expr;
pub mod import;
pub mod institution;
pub mod mail;
pub mod password;
pub mod questionnaire;
pub mod register;
pub mod response;
pub mod role;
pub mod round;
pub mod time;

pub use email::Email;
pub use institution::{InstitutionCode, InstitutionKind, Region, SizeBand};
pub use password::NewPassword;
pub use role::Role;
