//! Fuzz target `cms_ber`: the checks of [`validate_fuzz::check_cms_ber`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_cms_ber(data));
