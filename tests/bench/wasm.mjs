// The page's engine under Node, for `cargo xtask bench`: loads dist/pkg as the page does and
// checks the files given, printing one JSON line: how long the check took and the report's size.
//   node tests/bench/wasm.mjs DIST_PKG FILE...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [pkg, ...files] = process.argv.slice(2);
const glue = await import(new URL(`file://${pkg}/gkecheck.js`).href);
glue.initSync({ module: readFileSync(`${pkg}/gkecheck_bg.wasm`) });
const inputs = JSON.stringify(files.map((f) => ({ name: basename(f), text: readFileSync(f, 'utf8'), format: 'auto' })));
try {
  const started = performance.now();
  const report = glue.checkInputs(inputs);
  const checkMs = performance.now() - started;
  const parsed = JSON.parse(report);
  console.log(JSON.stringify({
    check_ms: checkMs,
    report_bytes: report.length,
    results: parsed.results.length,
    errors: parsed.summary.errors,
    rss_mb: process.memoryUsage().rss / 1048576,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error) }));
}
