//! Fuzz target: gkecheck::fuzzing::check_auto (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/check_auto/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::check_auto(data));
