//! Fuzz target `policy_json`: the checks of [`validate_fuzz::check_policy_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_policy_json(data));
