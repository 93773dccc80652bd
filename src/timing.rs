//! Stage timings for profiling: set `FUNDLEDGER_TIMINGS=1` and each stage's wall time
//! is printed to standard error. Off by default, free when off.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FUNDLEDGER_TIMINGS").is_some_and(|v| v != "0"))
}

/// Measures one stage; prints its duration when dropped (if timings are on).
pub struct Stage {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing `name`.
pub fn stage(name: &'static str) -> Stage {
    Stage {
        name,
        start: enabled().then(Instant::now),
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(start) = self.start {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "timing: {:<14} {:>8.1} ms",
                    self.name,
                    start.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
    }
}
