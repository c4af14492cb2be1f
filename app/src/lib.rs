//! MIV-mbo application library, compiled for the server (`ssr`) and the browser (`hydrate`).
//!
//! - [`domain`]: pure rules without I/O, for server and browser alike: roles, e-mail, institution
//!   codes and types, files read into cells and their problems ([`domain::import`]), the register
//!   and contact rows, the logic expressions, the questionnaire model (validation, editing, diff,
//!   concordance), responses (applicability, checks, progress, carry-forward), Dutch time, the CSV
//!   reader, the aggregation and disclosure control.
//! - [`api`]: `#[server]` functions; every one checks the caller's role on the server.
//! - [`ui`]: pages and components.
//! - `backend` (server only): database entities, sessions, middleware, audit log, importers,
//!   mail, exports.

// Deeply nested view types (the version page) exceed the default limit when components are not
// type-erased (every build here is, see `.cargo/config.toml`; a build with other RUSTFLAGS is not).
#![recursion_limit = "512"]

pub mod api;
pub mod domain;
pub mod i18n;
pub mod types;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use ui::{shell, App};
