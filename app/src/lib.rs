//! MIV-mbo application library, compiled for the server (`ssr`) and the browser (`hydrate`).
//!
//! - [`domain`]: pure rules without I/O (roles, e-mail, institution codes, register import rows).
//! - [`api`]: `#[server]` functions; every one checks the caller's role on the server.
//! - [`ui`]: pages and components.
//! - `backend` (server only): database entities, sessions, audit log, importers.

pub mod api;
pub mod domain;
pub mod i18n;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use ui::{shell, App};
