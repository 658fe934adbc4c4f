//! Fuzz target `certificate_der`: the checks of [`validate_fuzz::check_certificate_der`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_certificate_der(data));
