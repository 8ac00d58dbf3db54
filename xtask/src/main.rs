//! Project tasks: `cargo xtask dist | serve | ci`. Each does its own set-up (the Wasm target,
//! the browser and the test driver), so a fresh machine needs only Rust.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;

/// What a browser loads before the page's first check (HTML, JS, CSS, the first engine,
/// examples; not the full engine, which comes when an input needs it, nor the TypeScript
/// declarations), gzipped file by file, must stay within this.
const BUDGET_GZIP_BYTES: u64 = 400 * 1024;
/// The page's first engine (gcloud output and plans), gzipped.
const FIRST_ENGINE_BUDGET: u64 = 250 * 1024;
/// The full engine (Terraform configuration and fixes too), gzipped.
const FULL_ENGINE_BUDGET: u64 = 400 * 1024;
/// The single-file page carries the full engine and the page's own modules, styles, examples
/// and scenarios (43 KiB of it in December 2026): the engine's budget and 48 KiB for the page,
/// so that it is the engine's budget, not this one, that holds the engine.
const SINGLE_FILE_BUDGET: u64 = FULL_ENGINE_BUDGET + 48 * 1024;
/// Where dist/ holds the full engine, and the page's first one.
const FULL_ENGINE: &str = "pkg";
const FIRST_ENGINE: &str = "pkg-gcloud";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's shellcheck, which the script tests run.
const SHELLCHECK: &str = "/usr/bin/shellcheck";

const HELP: &str = "cargo xtask <task>

  dist            build the static site into dist/ (the page's two Wasm engines + www/), check
                  the size budgets
  serve [--port N] [--no-build]
                  build dist/ and serve it on http://127.0.0.1:N/ (default 8000)
  docs            write docs/rules/*.md from the rules' own files (CI fails when they are stale)
  fuzz [--time SECONDS] [TARGET]...
                  run the fuzz targets (fuzz/fuzz_targets; all by default) for SECONDS each
                  (default 60), seeded from tests/fixtures, www/examples and ../shared/corpus;
                  installs the nightly toolchain and cargo-fuzz when they are missing. A crash
                  fails the task and leaves its input in fuzz/artifacts/TARGET/: minimise it
                  (cargo +nightly fuzz tmin TARGET FILE) and keep it in tests/fuzz-regressions/
  bench [--quick] [--keep] [--out FILE] [--only NAMES]
                  time gkecheck on generated inputs (gcloud JSON and YAML of 1 to 20,000 pools,
                  one-line API output, a JSON stream and the same as one list, an asset
                  export, Terraform in one file and in many, an estate's, a plan): parse, check
                  with text and JSON output, peak memory, the Wasm under Node (it builds dist
                  first), pastes into the page in Chromium, the bridge between the page and
                  its engine (JSON text against serde-wasm-bindgen's objects, with a build of
                  its own in target/bench/bridge), and Checkov when it is on PATH;
                  prints a table and the targets judged on the run, and writes
                  target/bench/bench.json. --quick: small inputs, debug build, the Wasm of
                  dist/ as it is (CI builds it just before), the targets not judged;
                  --keep: leave the inputs in target/bench/inputs; --only stream,gcloud-json:
                  only the inputs whose names start so (and the page's bench, with `page`;
                  the bridge's, with `bridge`)
  hooks           run the pre-commit hooks (.pre-commit-hooks.yaml) with pre-commit itself
                  (installed from PyPI into target/pre-commit-venv) on a sample repository:
                  a failing Terraform file stops the commit, a hardened one passes
  ci              everything CI runs: format check, clippy, all Rust tests (unit, fixtures,
                  corpus, fuzz regressions), the Wasm builds and budgets, the browser end-to-end
                  tests in Chromium, the benchmark's quick pass, and each fuzz target for a
                  short smoke run
";

/// How long CI runs each fuzz target.
const FUZZ_SMOKE_SECONDS: u64 = 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dist") => dist().map(|_| ()),
        Some("serve") => serve_cmd(&args[1..]),
        Some("ci") => ci(),
        Some("docs") => docs(),
        Some("fuzz") => fuzz_cmd(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("hooks") => hooks(),
        Some("--help" | "-h" | "help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("xtask: running {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed with {status}"))
    }
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

fn ensure_wasm_target() -> Result<(), String> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the {WASM_TARGET} target: {e}"))?;
    if !String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// Builds the site into dist/ and returns the gzipped size of what the page loads first.
fn dist() -> Result<u64, String> {
    ensure_wasm_target()?;
    let root = root();
    let dist = root.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    // The first engine (without Terraform), then the full one: the same crate, two builds.
    engine(&dist.join(FIRST_ENGINE), Build::First)?;
    engine(&dist.join(FULL_ENGINE), Build::Full)?;
    copy_dir(&root.join("www"), &dist)?;
    single_file(&dist)?;
    service_worker(&dist)?;

    let mut first_load = 0;
    let mut lines = Vec::new();
    let single = dist.join(SINGLE_FILE);
    let full = dist.join(FULL_ENGINE);
    for file in files(&dist)? {
        let bytes = std::fs::read(&file).map_err(|e| e.to_string())?;
        let size = gzipped(&bytes)?;
        if file != single && !is_declarations(&file) && !file.starts_with(&full) {
            first_load += size;
        }
        lines.push(format!(
            "  {:>8} B gzipped  {:>8} B  {}",
            size,
            bytes.len(),
            file.strip_prefix(&dist).unwrap().display()
        ));
    }
    lines.sort();
    println!("dist/ contents:\n{}", lines.join("\n"));
    let gz = |rel: &str| -> Result<u64, String> {
        gzipped(&std::fs::read(dist.join(rel)).map_err(|e| format!("dist/{rel}: {e}"))?)
    };
    let checks = [
        (
            "what the page loads before its first check (all of dist/ but the full engine)"
                .to_string(),
            first_load,
            BUDGET_GZIP_BYTES,
        ),
        (
            format!("the page's first engine, dist/{FIRST_ENGINE}/gkecheck_bg.wasm"),
            gz(&format!("{FIRST_ENGINE}/gkecheck_bg.wasm"))?,
            FIRST_ENGINE_BUDGET,
        ),
        (
            format!("the full engine, dist/{FULL_ENGINE}/gkecheck_bg.wasm (loaded for Terraform)"),
            gz(&format!("{FULL_ENGINE}/gkecheck_bg.wasm"))?,
            FULL_ENGINE_BUDGET,
        ),
        (
            format!("dist/{SINGLE_FILE} (the whole app in one file, counted on its own)"),
            gz(SINGLE_FILE)?,
            SINGLE_FILE_BUDGET,
        ),
    ];
    for (what, size, budget) in &checks {
        println!(
            "size budget: {what}: {:.1} KiB gzipped of {} KiB allowed",
            *size as f64 / 1024.0,
            budget / 1024
        );
    }
    for (what, size, budget) in &checks {
        if size > budget {
            return Err(format!(
                "{what} is {size} bytes gzipped, over its budget of {budget}"
            ));
        }
    }
    Ok(first_load)
}

/// How far LLVM may inline into the first engine (the size profile's own limit is a few
/// instructions).
const FIRST_ENGINE_INLINING: u32 = 50;

/// Which engine a build makes.
#[derive(Clone, Copy, PartialEq)]
enum Build {
    /// The page's first engine: gcloud output and plans, no Terraform.
    First,
    /// The full engine (the `terraform` feature), loaded for Terraform and carried by the
    /// single-file page.
    Full,
    /// The first engine with the objects bridge (`--features bridge-objects`), for the
    /// harness alone.
    Bridge,
}

/// Builds an engine and its JavaScript glue into `out`.
///
/// The first engine is built with its own profile and lets LLVM inline more than the size
/// profile does (`FIRST_ENGINE_INLINING`): it checks what people paste, and a check of 140 KB
/// of gcloud JSON took 8.6 ms under Node without, 6.4 ms with, for 10 KiB gzipped. The full
/// engine stays as small as it can be: the single-file page carries it. The bridge's is built
/// as the first engine is, with a profile (and directory) of its own.
fn engine(out: &Path, which: Build) -> Result<(), String> {
    let profile = match which {
        Build::Full => "wasm",
        Build::First => "wasm-first",
        Build::Bridge => "wasm-bridge",
    };
    let mut build = cargo();
    build.args([
        "build",
        "--lib",
        "--profile",
        profile,
        "--target",
        WASM_TARGET,
        "-p",
        "gkecheck",
    ]);
    if which == Build::Bridge {
        build.args(["--features", "bridge-objects"]);
    }
    if which != Build::Full {
        build.arg("--no-default-features");
        // For every crate of this profile (its own directory), so the dependencies are built
        // with it too.
        build.args([
            "--config",
            &format!(
                "target.{WASM_TARGET}.rustflags = [\"-Cllvm-args=-inline-threshold={FIRST_ENGINE_INLINING}\"]"
            ),
        ]);
    }
    run(&mut build)?;
    let wasm = root().join(format!("target/{WASM_TARGET}/{profile}/gkecheck.wasm"));
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .map_err(|e| e.to_string())?
        // Declarations of the engine's exports, beside www/gkecheck.d.ts (the report and the
        // engine client): for embedders' editors.
        .typescript(true)
        .remove_name_section(true)
        .remove_producers_section(true)
        .out_name("gkecheck")
        .generate(out)
        .map_err(|e| format!("wasm-bindgen: {e}"))
}

/// The gzipped size of the page's first engine in dist/, and its budget.
fn first_engine_gzipped() -> Result<(u64, u64), String> {
    let path = root()
        .join("dist")
        .join(FIRST_ENGINE)
        .join("gkecheck_bg.wasm");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((gzipped(&bytes)?, FIRST_ENGINE_BUDGET))
}

fn gzipped(bytes: &[u8]) -> Result<u64, String> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(gz.finish().map_err(|e| e.to_string())?.len() as u64)
}

/// The whole app in one HTML file that works when opened from disk: styles, scripts, the
/// examples and the Wasm engine inline, under a Content-Security-Policy that allows exactly
/// those inline parts (by hash) and no network at all.
const SINGLE_FILE: &str = "gkecheck.html";

fn single_file(dist: &Path) -> Result<(), String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let read =
        |rel: &str| std::fs::read_to_string(dist.join(rel)).map_err(|e| format!("{rel}: {e}"));
    let wasm = std::fs::read(dist.join("pkg/gkecheck_bg.wasm")).map_err(|e| e.to_string())?;
    let b64 = base64::engine::general_purpose::STANDARD;

    let mut examples = serde_json_like::Object::default();
    let mut inline_files = files(&dist.join("examples"))?;
    inline_files.extend(files(&dist.join("scenarios"))?);
    for file in inline_files {
        let rel = file
            .strip_prefix(dist)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        examples.push(
            &rel,
            &std::fs::read_to_string(&file).map_err(|e| e.to_string())?,
        );
    }
    // Every engine export the glue declares, handed to the page's engine client.
    let (glue, exports) = strip_module(&read("pkg/gkecheck.js")?)?;
    let exports: Vec<String> = exports.into_iter().filter(|e| e != "initSync").collect();
    // The Wasm travels deflated (base64 of raw deflate, which the browser's DecompressionStream
    // undoes): base64 of the bare binary would cost a third more, even gzipped.
    let deflated = {
        use std::io::Write as _;
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&wasm).map_err(|e| e.to_string())?;
        encoder.finish().map_err(|e| e.to_string())?
    };
    let mut js = format!(
        "const GKECHECK_WASM = \"{}\";\n\
         globalThis.GKECHECK_INLINE_ENGINE = async () => {{\n{glue}\n\
         const deflated = new Blob([Uint8Array.from(atob(GKECHECK_WASM), (c) => c.charCodeAt(0))]);\n\
         const bytes = await new Response(deflated.stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer();\n\
         initSync({{ module: new Uint8Array(bytes) }});\n\
         return {{ {} }};\n}};\n\
         globalThis.GKECHECK_FILES = {};\n",
        b64.encode(&deflated),
        exports.join(", "),
        examples.finish()
    );
    // The page's modules, each in its own scope after the modules it imports, handing on what
    // it exports; app.js last, in a block of its own.
    let order = module_order(&read, "app.js")?;
    let mut exported: std::collections::BTreeMap<String, String> = Default::default();
    for module in &order[..order.len() - 1] {
        let (body, exports) = strip_module(&read(module)?)?;
        for name in &exports {
            if let Some(other) = exported.insert(name.clone(), module.clone()) {
                return Err(format!(
                    "{module} and {other} both export {name}, which the single-file build puts in one scope"
                ));
            }
        }
        js.push_str(&format!(
            "const {{ {names} }} = (() => {{\n{body}\nreturn {{ {names} }};\n}})();\n",
            names = exports.join(", ")
        ));
    }
    js.push_str(&format!("{{\n{}\n}}\n", strip_module(&read("app.js")?)?.0));
    let js = js.replace("</", "<\\/");
    let css = read("style.css")?;
    let hash = |text: &str| {
        format!(
            "'sha256-{}'",
            b64.encode(sha2::Sha256::digest(text.as_bytes()))
        )
    };
    let csp = format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        hash(&js),
        hash(&css)
    );
    let html = read("index.html")?;
    let start = html
        .find("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .ok_or("index.html has no CSP meta tag")?;
    let end = start
        + html[start..]
            .find("\">")
            .ok_or("index.html: unterminated CSP meta tag")?
        + 2;
    let html = format!(
        "{}<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">{}",
        &html[..start],
        &html[end..]
    );
    let parts = [
        (
            "<link rel=\"stylesheet\" href=\"style.css\">",
            format!("<style>{css}</style>"),
        ),
        (
            "<script type=\"module\" src=\"app.js\"></script>",
            format!("<script type=\"module\">{js}</script>"),
        ),
    ];
    let mut html = html;
    for (tag, inline) in parts {
        if !html.contains(tag) {
            return Err(format!(
                "index.html no longer has {tag}, which the single-file build replaces"
            ));
        }
        html = html.replace(tag, &inline);
    }
    std::fs::write(dist.join(SINGLE_FILE), html).map_err(|e| e.to_string())
}

/// The page's modules that `root` imports, directly or not, each after the modules it imports,
/// and `root` last. Only relative imports (`./name.js`) of the page's own folder are followed.
fn module_order(
    read: &dyn Fn(&str) -> Result<String, String>,
    root: &str,
) -> Result<Vec<String>, String> {
    fn visit(
        read: &dyn Fn(&str) -> Result<String, String>,
        module: &str,
        visiting: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Result<(), String> {
        if done.iter().any(|d| d == module) {
            return Ok(());
        }
        if visiting.iter().any(|v| v == module) {
            return Err(format!(
                "the page's modules import each other in a cycle ({} -> {module}), which the single-file build cannot order",
                visiting.join(" -> ")
            ));
        }
        visiting.push(module.to_string());
        for line in read(module)?.lines().filter(|l| l.starts_with("import ")) {
            let spec = line
                .rsplit_once(['\'', '"'])
                .and_then(|(head, _)| head.rsplit_once(['\'', '"']))
                .map(|(_, spec)| spec)
                .ok_or_else(|| {
                    format!("{module}: an import the single-file build does not follow: {line}")
                })?;
            let name = spec.strip_prefix("./").filter(|n| !n.contains('/')).ok_or_else(|| {
                format!("{module}: the single-file build follows only imports of ./NAME.js, not {spec}")
            })?;
            visit(read, name, visiting, done)?;
        }
        visiting.pop();
        done.push(module.to_string());
        Ok(())
    }
    let mut done = Vec::new();
    visit(read, root, &mut Vec::new(), &mut done)?;
    Ok(done)
}

/// An ES module's text without its `import` lines and `export` keywords, and the names it
/// exports. The page's modules keep to what this understands: one-line imports, and
/// `export function|class|const` declarations (or one `export { ... };` list).
fn strip_module(text: &str) -> Result<(String, Vec<String>), String> {
    let mut out = String::new();
    let mut exports = Vec::new();
    for line in text.lines() {
        if line.starts_with("import ") {
            if !line.trim_end().ends_with(';') {
                return Err(format!("a module import spans lines, which the single-file build does not follow: {line}"));
            }
            continue;
        }
        if line.starts_with("export {") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("export ") {
            let decl = rest.trim_start_matches("async ");
            let name = decl
                .split_whitespace()
                .nth(1)
                .map(|n| {
                    n.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .next()
                        .unwrap_or("")
                })
                .unwrap_or("");
            if name.is_empty() {
                return Err(format!(
                    "an export the single-file build does not follow: {line}"
                ));
            }
            exports.push(name.to_string());
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok((out, exports))
}

/// Writes a JSON object of strings (the examples) without a JSON library.
mod serde_json_like {
    #[derive(Default)]
    pub struct Object(Vec<String>);

    impl Object {
        pub fn push(&mut self, key: &str, value: &str) {
            self.0.push(format!("{}: {}", quote(key), quote(value)));
        }

        pub fn finish(&self) -> String {
            format!("{{{}}}", self.0.join(", "))
        }
    }

    fn quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Fills in the service worker's list of files to keep offline, and a version that changes
/// whenever any of them does.
/// TypeScript declarations: for editors and type checkers, never loaded by a browser, so
/// neither counted in the page's budget nor cached by its service worker.
fn is_declarations(file: &Path) -> bool {
    file.to_string_lossy().ends_with(".d.ts")
}

fn service_worker(dist: &Path) -> Result<(), String> {
    let sw = dist.join("sw.js");
    let mut list = Vec::new();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut all = files(dist)?;
    all.sort();
    for file in all
        .iter()
        .filter(|f| **f != sw && !f.ends_with(SINGLE_FILE) && !is_declarations(f))
    {
        let rel = file
            .strip_prefix(dist)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for b in rel
            .bytes()
            .chain(std::fs::read(file).map_err(|e| e.to_string())?)
        {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        list.push(format!("'./{rel}'"));
    }
    list.insert(0, "'./'".into());
    let text = std::fs::read_to_string(&sw).map_err(|e| format!("{}: {e}", sw.display()))?;
    let filled = text
        .replace(
            "const FILES = [];",
            &format!("const FILES = [{}];", list.join(", ")),
        )
        .replace(
            "const VERSION = 'dev';",
            &format!("const VERSION = '{hash:016x}';"),
        );
    if filled == text {
        return Err(
            "www/sw.js no longer has the FILES and VERSION lines that dist fills in".into(),
        );
    }
    std::fs::write(&sw, filled).map_err(|e| e.to_string())
}

fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            out.extend(files(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for file in files(from)? {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).map_err(|e| e.to_string())?;
        if file.extension().is_some_and(|e| e == "js") {
            // The page's own modules travel without their whole-line comments (the source in
            // www/ keeps them).
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            std::fs::write(&target, without_comment_lines(&text))
                .map_err(|e| format!("{}: {e}", target.display()))?;
        } else {
            std::fs::copy(&file, &target).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// JavaScript without the lines that are only a comment (`// ...`, or a one-line `/** ... */`),
/// outside template literals (a line inside one is text, kept as it is).
fn without_comment_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_template = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let block = trimmed.len() >= 4
            && trimmed.starts_with("/*")
            && trimmed.ends_with("*/")
            && !trimmed[2..trimmed.len() - 2].contains("*/");
        let comment = trimmed.starts_with("//") || block;
        if !comment || in_template {
            out.push_str(line);
        }
        // Backticks not escaped open and close template literals (nested ones come in pairs).
        let bytes = line.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'`' && (i == 0 || bytes[i - 1] != b'\\') {
                in_template = !in_template;
            }
        }
    }
    out
}

fn serve_cmd(args: &[String]) -> Result<(), String> {
    let mut port = 8000;
    let mut build = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            "--no-build" => build = false,
            other => return Err(format!("unknown option {other:?} for serve")),
        }
    }
    if build {
        dist()?;
    }
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("gkecheck is served at http://127.0.0.1:{port}/ (Ctrl-C stops it)");
    serve(listener, root().join("dist"));
    Ok(())
}

/// Serves `dir` over HTTP/1.1 until the process ends.
fn serve(listener: TcpListener, dir: PathBuf) {
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            let _ = respond(stream, &dir);
        });
    }
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "tf" | "txt" | "yaml" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Read and ignore the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_string()
    };
    let safe = !relative.split('/').any(|s| s == ".." || s.starts_with('.'));
    let file = dir.join(&relative);
    let (status, body, kind) = match (method, safe, std::fs::read(&file)) {
        ("GET" | "HEAD", true, Ok(body)) => ("200 OK", body, mime(&file)),
        ("GET" | "HEAD", _, _) => ("404 Not Found", b"not found\n".to_vec(), "text/plain"),
        _ => (
            "405 Method Not Allowed",
            b"method not allowed\n".to_vec(),
            "text/plain",
        ),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()?;
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    Ok(())
}

/// Writes docs/rules from the rules, through the gkecheck binary (`rules --markdown DIR`).
fn docs() -> Result<(), String> {
    let dir = root().join("docs/rules");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run(cargo()
        .args([
            "run",
            "--quiet",
            "--bin",
            "gkecheck",
            "--",
            "rules",
            "--markdown",
        ])
        .arg(&dir))
}

fn fuzz_cmd(args: &[String]) -> Result<(), String> {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--time" => {
                seconds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--time takes a number of seconds")?;
            }
            name => targets.push(name.to_string()),
        }
    }
    fuzz(seconds, &targets)
}

/// The fuzz targets, from fuzz/fuzz_targets.
fn fuzz_targets() -> Result<Vec<String>, String> {
    let dir = root().join("fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    Ok(names)
}

/// Runs each target for `seconds`, after the set-up a fresh machine needs: the nightly
/// toolchain (rustup) and cargo-fuzz (crates.io).
fn fuzz(seconds: u64, only: &[String]) -> Result<(), String> {
    let root = root();
    let has_nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_nightly {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let has_fuzz = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_fuzz {
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let targets = fuzz_targets()?;
    for name in only {
        if !targets.contains(name) {
            return Err(format!(
                "no fuzz target {name:?}; the targets are {targets:?}"
            ));
        }
    }
    // Seeds: the real inputs the project holds, copied into one folder per run (libFuzzer
    // reads seed folders but never writes to them).
    let seeds = root.join("target/fuzz-seeds");
    let _ = std::fs::remove_dir_all(&seeds);
    std::fs::create_dir_all(&seeds).map_err(|e| e.to_string())?;
    let mut n = 0;
    let mut copy_from = |dir: &Path| {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if std::fs::metadata(&p).is_ok_and(|m| m.len() <= 64 * 1024) {
                    n += 1;
                    let _ = std::fs::copy(&p, seeds.join(format!("seed-{n}")));
                }
            }
        }
    };
    copy_from(&root.join("tests/fixtures"));
    copy_from(&root.join("www/examples"));
    copy_from(&root.join("tests/fuzz-regressions"));
    copy_from(&root.join("../shared/corpus"));
    eprintln!("xtask: {n} seed inputs");
    for target in targets
        .iter()
        .filter(|t| only.is_empty() || only.contains(t))
    {
        let corpus = root.join("target/fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
        run(Command::new("cargo")
            .args(["+nightly", "fuzz", "run", target])
            .arg(&corpus)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!(
                "-dict={}",
                root.join("fuzz/gkecheck.dict").display()
            ))
            .args([
                "-rss_limit_mb=2048",
                "-timeout=10",
                "-max_len=65536",
                "-print_final_stats=1",
            ])
            .current_dir(&root))
        .map_err(|e| {
            format!("{e}\nfuzz target {target} failed: its input is in fuzz/artifacts/{target}/")
        })?;
    }
    Ok(())
}

fn ci() -> Result<(), String> {
    let root = root();
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    // Lints: a fresh machine may not have the component.
    run(Command::new("rustup").args(["component", "add", "clippy"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The page's two engines, the full one and the first one, without Terraform; and the
    // harness's build of the first with the bridge of objects.
    ensure_wasm_target()?;
    let builds: [&[&str]; 3] = [
        &[],
        &["--no-default-features"],
        &["--no-default-features", "--features", "bridge-objects"],
    ];
    for features in builds {
        run(cargo()
            .args(["clippy", "-p", "gkecheck", "--lib", "--target", WASM_TARGET])
            .args(features)
            .args(["--", "-D", "warnings"]))?;
    }
    // The script tests run shellcheck on every generated script; the browser tests, Chromium.
    ensure_packages(&[(SHELLCHECK, "shellcheck"), (CHROMIUM, "chromium")])?;
    run(cargo().args(["test", "--workspace"]))?;
    dist()?;
    let browser = root.join("tests/browser");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&browser))?;
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let dist = root.join("dist");
    std::thread::spawn(move || serve(listener, dist));
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/browser/"])
        .env("GKECHECK_URL", &url)
        .env("GKECHECK_DIST", root.join("dist"))
        // What `cargo test` built: the command line, for tests that compare with it.
        .env("GKECHECK_BIN", root.join("target/debug/gkecheck"))
        .env("CHROMIUM", CHROMIUM)
        .current_dir(&root))?;
    // The benchmark harness keeps working: small inputs, each checked natively and in Wasm.
    bench::bench(&["--quick".to_string()])?;
    hooks()?;
    fuzz(FUZZ_SMOKE_SECONDS, &[])?;
    println!("xtask ci: all checks passed");
    Ok(())
}

/// The pre-commit hooks as a user runs them: pre-commit (from PyPI) clones this repository at
/// HEAD, builds gkecheck with cargo, and runs the `gkecheck` hook on a sample repository.
fn hooks() -> Result<(), String> {
    let root = root();
    let work = root.join("target/hook-test");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let venv = root.join("target/pre-commit-venv");
    let pre_commit = venv.join("bin/pre-commit");
    if !pre_commit.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv)).map_err(|e| {
            format!("{e}\npre-commit is installed into a virtual environment: Python 3 with its venv module is needed (Debian: apt-get install python3-venv)")
        })?;
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit",
        ]))?;
    }
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&root)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    if head.is_empty() {
        return Err("hooks: this checkout has no commit for pre-commit to clone".into());
    }
    eprintln!(
        "xtask: the hooks are tested as committed (HEAD {head}); uncommitted changes are not in it"
    );
    let repo = work.join("repo");
    std::fs::create_dir_all(&repo).map_err(|e| e.to_string())?;
    let git = |args: &[&str]| {
        run(Command::new("git")
            .args([
                "-c",
                "user.name=gkecheck",
                "-c",
                "user.email=gkecheck@example.invalid",
            ])
            .args(args)
            .current_dir(&repo))
    };
    git(&["init", "-q"])?;
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {head}\n    hooks:\n      - id: gkecheck\n        args: [--fail-on, high]\n",
            root.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    let pool = |mode: &str| {
        format!(
            "resource \"google_container_cluster\" \"c\" {{\n  name = \"c\"\n  location = \"europe-west1\"\n  remove_default_node_pool = true\n  initial_node_count = 1\n  workload_identity_config {{\n    workload_pool = \"p.svc.id.goog\"\n  }}\n  master_authorized_networks_config {{\n    cidr_blocks {{\n      cidr_block = \"10.0.0.0/8\"\n    }}\n  }}\n}}\n\nresource \"google_container_node_pool\" \"batch\" {{\n  name    = \"batch\"\n  cluster = google_container_cluster.c.name\n  node_config {{\n    workload_metadata_config {{\n      mode = \"{mode}\"\n    }}\n  }}\n}}\n"
        )
    };
    let pre_commit_run = || {
        Command::new(&pre_commit)
            .args(["run", "--all-files", "--color", "never"])
            .env("PRE_COMMIT_HOME", work.join("cache"))
            .current_dir(&repo)
            .output()
            .map_err(|e| format!("pre-commit: {e}"))
    };
    std::fs::write(repo.join("main.tf"), pool("GCE_METADATA")).map_err(|e| e.to_string())?;
    git(&["add", "-A"])?;
    git(&["commit", "-qm", "a pool that exposes the node's token"])?;
    let failing = pre_commit_run()?;
    let said = String::from_utf8_lossy(&failing.stdout).to_string();
    if failing.status.success() || !said.contains("GKE001") {
        return Err(format!(
            "hooks: a pool with GCE_METADATA should stop the commit with GKE001; pre-commit said:\n{said}{}",
            String::from_utf8_lossy(&failing.stderr)
        ));
    }
    std::fs::write(repo.join("main.tf"), pool("GKE_METADATA")).map_err(|e| e.to_string())?;
    git(&["add", "-A"])?;
    git(&["commit", "-qm", "the GKE metadata server"])?;
    let passing = pre_commit_run()?;
    if !passing.status.success() {
        return Err(format!(
            "hooks: a hardened pool should pass (only lower findings remain, under --fail-on high); pre-commit said:\n{}{}",
            String::from_utf8_lossy(&passing.stdout),
            String::from_utf8_lossy(&passing.stderr)
        ));
    }
    println!(
        "xtask hooks: the pre-commit hook stops a failing commit and lets a hardened one through"
    );
    Ok(())
}

/// Debian's packages the tests need, installed with apt-get when a program is missing (CI runs
/// as root): (program path, package).
fn ensure_packages(wanted: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing Debian's {}", missing.join(", "));
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .map_err(|e| {
        format!(
            "{e}\nInstall them yourself (as root: apt-get install {}) and run again.",
            missing.join(" ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{module_order, strip_module};
    use std::collections::HashMap;

    fn reader(files: &[(&str, &str)]) -> impl Fn(&str) -> Result<String, String> {
        let files: HashMap<String, String> = files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        move |name: &str| {
            files
                .get(name)
                .cloned()
                .ok_or(format!("{name}: no such file"))
        }
    }

    #[test]
    fn modules_come_after_what_they_import_and_the_root_last() {
        let read = reader(&[
            (
                "app.js",
                "import { a } from './a.js';\nimport './b.js';\nimport { c } from \"./c.js\";\n",
            ),
            ("a.js", "import { c } from './c.js';\nexport const a = c;\n"),
            ("b.js", "import { a } from './a.js';\n"),
            ("c.js", "export function c() {}\n"),
        ]);
        assert_eq!(
            module_order(&read, "app.js").unwrap(),
            ["c.js", "a.js", "b.js", "app.js"]
        );
    }

    #[test]
    fn a_cycle_or_a_foreign_import_is_refused_by_name() {
        let cycle = reader(&[
            ("app.js", "import { a } from './a.js';\n"),
            ("a.js", "import { b } from './b.js';\n"),
            ("b.js", "import { a } from './a.js';\n"),
        ]);
        let error = module_order(&cycle, "app.js").unwrap_err();
        assert!(error.contains("app.js -> a.js -> b.js -> a.js"), "{error}");
        let foreign = reader(&[("app.js", "import { x } from 'https://elsewhere/x.js';\n")]);
        let error = module_order(&foreign, "app.js").unwrap_err();
        assert!(error.contains("https://elsewhere/x.js"), "{error}");
    }

    #[test]
    fn comment_lines_go_and_template_text_stays() {
        let js = "// the page\nconst a = 1; // kept: code before it\n  /** A doc line. */\nconst t = `\n// text of a template\n${a}`;\n/* two\n   lines */\nconst u = 'http://x';\n";
        assert_eq!(
            super::without_comment_lines(js),
            "const a = 1; // kept: code before it\nconst t = `\n// text of a template\n${a}`;\n/* two\n   lines */\nconst u = 'http://x';\n"
        );
    }

    #[test]
    fn exports_lose_the_keyword_and_are_named() {
        let (body, names) = strip_module(
            "import { q } from './q.js';\nexport const $ = 1;\nexport async function go() {}\nexport class View {}\nconst kept = 2;\n",
        )
        .unwrap();
        assert_eq!(names, ["$", "go", "View"]);
        assert_eq!(
            body,
            "const $ = 1;\nasync function go() {}\nclass View {}\nconst kept = 2;\n"
        );
        assert!(strip_module("import {\n  q } from './q.js';\n").is_err());
    }
}
