//! Fuzz target: gkecheck::fuzzing::terraform_eval (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/terraform_eval/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::terraform_eval(data));
