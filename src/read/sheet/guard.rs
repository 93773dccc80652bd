//! calamine panics on some malformed workbooks (an XLSB whose sheet list names a part
//! that is not in the archive, a dimension record cut short, a shared-string index past
//! the table…). Every workbook is read under [`guarded`], so such a file becomes an
//! error that names it instead of a crash, whichever thread reads it.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs a guarded read: its panics are expected and reported
    /// as errors, so the panic hook stays silent for them.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `read`, turning a panic inside it into `Err(what the panic said)`.
///
/// The process's panic hook is wrapped once so that panics caught here print nothing;
/// every other panic still reaches the previous hook unchanged.
pub(super) fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(was));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the spreadsheet reader stopped".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn a_panic_becomes_its_message() {
        let caught = guarded(|| -> u8 { panic!("index 7 out of range") });
        assert_eq!(caught, Err("index 7 out of range".to_string()));
    }

    #[test]
    fn a_normal_result_passes_through_and_later_panics_are_not_swallowed() {
        assert_eq!(guarded(|| 5), Ok(5));
        let outer = std::panic::catch_unwind(|| panic!("outside"));
        assert!(outer.is_err());
    }
}
