//! Fuzz target `timestamp`: the checks of [`validate_fuzz::check_timestamp`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_timestamp(data));
