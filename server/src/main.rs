//! `server`: serves MIV-mbo, or runs one of its command-line tasks.

use clap::Parser;

/// mimalloc instead of glibc's allocator: a request allocates and frees many small strings, and
/// `bench_responses` showed glibc's malloc and free among the server's largest costs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
