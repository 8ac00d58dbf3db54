//! Fuzz target: gkecheck::fuzzing::stream (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/stream/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::stream(data));
