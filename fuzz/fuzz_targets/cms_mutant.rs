//! Fuzz target `cms_mutant`: the checks of [`validate_fuzz::check_cms_mutant`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| validate_fuzz::check_cms_mutant(data));
