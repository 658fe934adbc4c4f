//! Fuzz target `archive_entry`: the checks of [`validate_fuzz::check_archive_entry`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_archive_entry(data));
