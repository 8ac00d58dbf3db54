//! Fuzz target: gkecheck::fuzzing::fix (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/fix/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::fix(data));
