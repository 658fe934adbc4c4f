//! Fuzz target `ocsp_request`: the checks of [`validate_fuzz::check_ocsp_request`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_ocsp_request(data));
