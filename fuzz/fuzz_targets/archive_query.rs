//! Fuzz target `archive_query`: the checks of [`validate_fuzz::check_archive_query`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_archive_query(data));
