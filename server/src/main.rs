//! `server`: serves MIV-mbo, or runs one of its command-line tasks.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = server::cli::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fout / error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
