//! Fuzz target `crl`: the checks of [`validate_fuzz::check_crl`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_crl(data));
