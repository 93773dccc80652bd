//! The `fundledger` binary: parse arguments, run, map the outcome to an exit status
//! (0 clean, 1 problems found in the books, 2 cannot run, 141 output cut off).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use fundledger::{Outcome, cli::Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match fundledger::run(&cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        // The reader of our output went away (`| head`, a closed pager, a closed
        // stderr): stop quietly with the status of a process killed by SIGPIPE, as Unix
        // tools do, never 0 (the output, or an error message, was cut off).
        Err(e) if is_broken_pipe(&e) => ExitCode::from(BROKEN_PIPE),
        Err(e) => {
            // Not eprintln!: it panics when stderr is closed.
            let _ = writeln!(std::io::stderr(), "fundledger: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// 128 + SIGPIPE.
const BROKEN_PIPE: u8 = 141;

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
