//! The `fundledger` binary: parse arguments, run, map the outcome to an exit status
//! (0 clean, 1 problems found in the books, 2 cannot run).

use std::process::ExitCode;

use clap::Parser;
use fundledger::{Outcome, cli::Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match fundledger::run(&cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fundledger: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
