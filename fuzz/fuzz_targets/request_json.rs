//! Fuzz target `request_json`: the checks of [`validate_fuzz::check_request_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_request_json(data));
