// The page's engine under Node, for `cargo xtask bench`: checks the files given as the page
// does (the first engine, dist/pkg-gcloud; the full one, dist/pkg, when the first says the
// input needs it), printing one JSON line: which engine, how long the check took, the
// report's size.
//   node tests/bench/wasm.mjs DIST FILE...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [dist, ...files] = process.argv.slice(2);
const load = async (dir) => {
  const glue = await import(new URL(`file://${dist}/${dir}/gkecheck.js`).href);
  glue.initSync({ module: readFileSync(`${dist}/${dir}/gkecheck_bg.wasm`) });
  return glue;
};
const inputs = JSON.stringify(files.map((f) => ({ name: basename(f), text: readFileSync(f, 'utf8'), format: 'auto' })));
const { NEEDS_FULL } = await import(new URL(`file://${dist}/engines.js`).href);
try {
  let engine = 'pkg-gcloud';
  let glue = await load(engine);
  let started = performance.now();
  let report;
  try {
    report = glue.checkInputs(inputs);
  } catch (error) {
    if (!String(error?.message).startsWith(NEEDS_FULL)) throw error;
    engine = 'pkg';
    glue = await load(engine);
    started = performance.now();
    report = glue.checkInputs(inputs);
  }
  const checkMs = performance.now() - started;
  const parsed = JSON.parse(report);
  console.log(JSON.stringify({
    engine,
    check_ms: checkMs,
    report_bytes: report.length,
    results: parsed.results.length,
    errors: parsed.summary.errors,
    rss_mb: process.memoryUsage().rss / 1048576,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error) }));
}
