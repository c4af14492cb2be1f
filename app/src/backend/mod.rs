//! Server-only code: database, sessions, authorisation, audit log and importers.

pub mod aggregate;
pub mod answer_batches;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod colleagues;
pub mod contacts;
pub mod db;
pub mod entities;
pub mod erasure;
pub mod exports;
pub mod flash;
pub mod institutions;
pub mod mail;
pub mod middleware;
pub mod pdf;
pub mod private_file;
pub mod proxies;
pub mod questionnaire_import;
pub mod questionnaires;
pub mod rate_limit;
pub mod raw_answers;
pub mod register_import;
pub mod responses;
pub mod retention;
pub mod rounds;
pub mod source_upload;
pub mod sources;
pub mod spreadsheet;
pub mod state;
pub mod submitted;
pub mod users;
pub mod xlsform;

pub use state::{AppState, Settings};
