//! The server binary's library: configuration, telemetry, the HTTP application and the
//! command-line tasks. Integration tests build the application through [`startup::Application`].

pub mod api;
pub mod backup;
pub mod cli;
pub mod config;
pub mod precompress;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod telemetry;
