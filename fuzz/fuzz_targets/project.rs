//! project.toml bytes → the validated project (agreements, lines, revisions).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fundledger::fuzzing::project(data);
});
