//! Fuzz target `bundle`: the checks of [`validate_fuzz::check_bundle`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_bundle(data));
