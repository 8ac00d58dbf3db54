// The page's engine under Node, for `cargo xtask bench`: checks the files given as the page
// does (the first engine, dist/pkg-gcloud; the full one, dist/pkg, when the first says the
// input needs it), printing one JSON line: which engine, how long the first check and the
// next ones took, the report's size.
//   node tests/bench/wasm.mjs DIST FILE...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [dist, ...files] = process.argv.slice(2);
const load = async (dir) => {
  const glue = await import(new URL(`file://${dist}/${dir}/gkecheck.js`).href);
  glue.initSync({ module: readFileSync(`${dist}/${dir}/gkecheck_bg.wasm`) });
  return glue;
};
// As the page's worker has them: objects, which `invoke` hands to the engine as it does there.
const inputs = files.map((f) => ({ name: basename(f), text: readFileSync(f, 'utf8'), format: 'auto' }));
const { NEEDS_FULL, PAGE_CHECK, invoke } = await import(new URL(`file://${dist}/engines.js`).href);
// The page's own call: passing results counted, not listed (the page's default), each
// finding's remediation left for when it is opened, the report in parts. The first call
// includes compiling the Wasm to fast code; the figure is the median of three more.
const options = JSON.stringify(PAGE_CHECK);
try {
  let engine = 'pkg-gcloud';
  let glue = await load(engine);
  const call = () => {
    const started = performance.now();
    const report = invoke(glue, 'checkInputs', [inputs, options]);
    return { ms: performance.now() - started, report };
  };
  let first;
  try {
    first = call();
  } catch (error) {
    if (!String(error?.message).startsWith(NEEDS_FULL)) throw error;
    engine = 'pkg';
    glue = await load(engine);
    first = call();
  }
  // Three more when each takes under two seconds.
  const warm = first.ms < 2000 ? [call(), call(), call()].map((r) => r.ms).sort((a, b) => a - b) : [first.ms];
  // The report in parts (JSON lines), put together as the page does.
  const [parsed, ...parts] = first.report.split('\n').map((line) => JSON.parse(line));
  parsed.results = parts.flat();
  console.log(JSON.stringify({
    engine,
    first_ms: first.ms,
    check_ms: warm[Math.floor(warm.length / 2)],
    report_bytes: first.report.length,
    results: parsed.results.length,
    errors: parsed.summary.errors,
    rss_mb: process.memoryUsage().rss / 1048576,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error) }));
}
