//! Spreadsheet bytes → workbook → rows → planned transactions (the import path).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fundledger::fuzzing::spreadsheet(data);
});
