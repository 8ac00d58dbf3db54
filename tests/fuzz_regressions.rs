//! Every input a fuzz target found that broke a promise, kept in
//! `tests/fuzz-regressions/TARGET/` and replayed here on the stable toolchain through the same
//! function the target runs (`gkecheck::fuzzing`). A failure here is a crash the fuzzer found
//! coming back.

use std::path::Path;

#[test]
fn fuzz_findings_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut replayed = 0;
    for (target, run) in gkecheck::fuzzing::TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} broke again", file.display());
            replayed += 1;
        }
    }
    eprintln!("fuzz regressions: {replayed} inputs replayed");
    assert!(
        replayed > 0,
        "no regression input was found under {}",
        root.display()
    );
}
