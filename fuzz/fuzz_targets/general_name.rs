//! Fuzz target `general_name`: the checks of [`validate_fuzz::check_general_name`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_general_name(data));
