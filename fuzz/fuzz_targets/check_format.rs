//! Fuzz target: gkecheck::fuzzing::check_format (its inputs that broke a promise are replayed by
//! `cargo test` from tests/fuzz-regressions/check_format/).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gkecheck::fuzzing::check_format(data));
