//! Journal text → reader → inference → every check → reports → canonical print.
//! Nothing may panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fundledger::fuzzing::journal(data);
});
