//! Fuzz target `ocsp_response`: the checks of [`validate_fuzz::check_ocsp_response`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_ocsp_response(data));
