//! Fuzz target: gkecheck::fuzzing::readers (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/readers/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::readers(data));
