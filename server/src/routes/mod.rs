//! Plain HTTP endpoints beside the Leptos pages and server functions.

pub mod copies;
pub mod error;
pub mod export;
pub mod health;
pub mod import;
pub mod lang;
pub mod schema;
pub mod survey;
