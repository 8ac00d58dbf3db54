//! Fuzz target: gkecheck::fuzzing::terraform_split (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/terraform_split/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::terraform_split(data));
