//! Fuzz target `certificate_pem`: the checks of [`validate_fuzz::check_certificate_pem`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_certificate_pem(data));
