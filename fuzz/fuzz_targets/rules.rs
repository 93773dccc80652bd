//! Import rules (TOML) bytes → the validated rules.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fundledger::fuzzing::rules(data);
});
