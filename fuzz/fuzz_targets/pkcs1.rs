//! Fuzz target `pkcs1`: the checks of [`validate_fuzz::check_pkcs1`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_pkcs1(data));
