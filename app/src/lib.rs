//! MIV-mbo application library, compiled for the server (`ssr`) and the browser (`hydrate`).
//!
//! - [`domain`]: pure rules without I/O (roles, e-mail, institution codes, register import rows).
//! - [`api`]: `#[server]` functions; every one checks the caller's role on the server.
//! - [`ui`]: pages and components.
//! - `backend` (server only): database entities, sessions, audit log, importers.

// Deeply nested view types (the version page) exceed the default limit when components are not
// type-erased (release builds).
#![recursion_limit = "512"]

pub mod api;
pub mod domain;
pub mod i18n;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use ui::{shell, App};
