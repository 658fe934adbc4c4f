//! Fuzz target `cert_path`: the checks of [`validate_fuzz::check_cert_path`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_cert_path(data));
