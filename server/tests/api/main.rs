//! Integration tests: each test spawns the application on port 0 with a fresh database, once on
//! SQLite and once on PostgreSQL (`both!`).

mod helpers;

mod aggregate;
mod all_year;
mod audit;
mod auth;
mod authorisation;
mod backup;
mod crash;
mod disclosure;
mod erasure;
mod health;
mod institutions;
mod mail;
mod questionnaires;
mod research_api;
mod retention;
mod rounds;
mod security;
#[path = "../smtp/sink.rs"]
mod sink;
mod snapshots;
mod sources;
mod users;
