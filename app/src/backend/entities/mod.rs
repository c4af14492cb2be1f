//! Database entities: plain rows, separate from the types server functions return.

pub mod api_token;
pub mod audit_log;
pub mod data_source;
pub mod figure_store;
pub mod import_run;
pub mod institution;
pub mod institution_pseudonym;
pub mod mail_batch;
pub mod mail_template;
pub mod outbox;
pub mod password_token;
pub mod pending_upload;
pub mod questionnaire;
pub mod questionnaire_version;
pub mod response;
pub mod response_link;
pub mod round;
pub mod session;
pub mod source_snapshot;
pub mod user;
pub mod user_institution;
