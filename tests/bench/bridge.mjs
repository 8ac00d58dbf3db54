// The bridge between the page and its engine, for `cargo xtask bench`: the page's own (the
// inputs' texts as UTF-8 bytes, the report as JSON lines the page parses) against
// serde-wasm-bindgen's objects, the report handed out as objects (`objects_out`) or the inputs
// taken as objects (`objects_in`). BUILD is the harness's build of the first engine with the
// objects' exports (`--features bridge-objects`, in BUILD/pkg); each paste is gcloud JSON of
// one pool or of about the bytes given, checked as the page checks it (passing results
// counted, remediation on request, the report in parts; objects in as many parts as the text).
// - Under Node: the engine's call alone, and the parse of the text's parts (which the page
//   does on its own thread), medians of the runs.
// - In Chromium: a worker calls the engine and posts each part; the page takes each (parses
//   the text's, or reads the copy the browser made of the objects). `round_trip_ms` is from
//   the page's request to the last part on the page, `page_ms` the page's own thread's time in
//   those messages (typing waits for it), `engine_ms` the engine's call in the worker.
// Each bridge's report is checked to be the text's, value for value. Prints one JSON line per
// paste; GKECHECK_BENCH_RUNS=N runs each N times (the bridges taken in turn).
//   node tests/bench/bridge.mjs BUILD 1 100000 1000000 8000000
import { deepStrictEqual } from 'node:assert';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, serve } from '../browser/helpers.mjs';
import { gcloudJson } from './inputs.mjs';

const [buildArg, ...sizeArgs] = process.argv.slice(2);
const build = resolve(buildArg);
const sizes = sizeArgs.map(Number).filter((n) => n > 0);
const runs = Math.max(1, Number(process.env.GKECHECK_BENCH_RUNS ?? 1));
const here = new URL('.', import.meta.url).pathname;
const BRIDGES = ['text', 'objects_out', 'objects_in'];

// The page's engine client and this benchmark's worker beside the build, served from there.
copyFileSync(join(here, '../../www/engines.js'), join(build, 'engines.js'));
copyFileSync(join(here, 'bridge-worker.js'), join(build, 'bridge-worker.js'));
writeFileSync(join(build, 'index.html'), '<!doctype html><meta charset="utf-8"><title>gkecheck bridge benchmark</title>\n');

const engine = await import(pathToFileURL(join(build, 'pkg/gkecheck.js')).href);
engine.initSync({ module: readFileSync(join(build, 'pkg/gkecheck_bg.wasm')) });
const { invoke, PAGE_CHECK, textsOf } = await import(pathToFileURL(join(build, 'engines.js')).href);
const options = JSON.stringify(PAGE_CHECK);
const { parts: _, ...unparted } = PAGE_CHECK;
const objectOptions = JSON.stringify(unparted);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** The report from its parts, as the page's engine client puts it together. */
function whole([head, ...parts]) {
  return { ...head, results: parts.flat() };
}

/** `list` turned `by` places: each run takes the bridges in another order. */
const turned = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/**
 * The three bridges under Node: medians of `runs` calls each (after one not counted, which
 * compiles and warms the engine's code), each one's report, and the inputs' crossing alone.
 */
function underNode(inputs) {
  const times = { text: [], text_parse: [], objects_out: [], objects_in: [], objects_in_parse: [], read_text: [], read_objects: [] };
  const reports = {};
  // As many parts of objects as of text: results shared out evenly (known after the first).
  let perPart = 1;
  const timed = (f) => {
    const started = performance.now();
    const value = f();
    return [value, performance.now() - started];
  };
  const calls = {
    text: () => {
      const [answer, ms] = timed(() => invoke(engine, 'checkInputs', [inputs, options]));
      const [parts, parseMs] = timed(() => answer.split('\n').map((line) => JSON.parse(line)));
      perPart = Math.max(1, Math.ceil(parts.slice(1).flat().length / Math.max(1, parts.length - 1)));
      return { parts, ms, parseMs };
    },
    objects_out: () => {
      const [parts, ms] = timed(() => engine.checkTextsAsObjects(...textsOf(inputs), objectOptions, perPart));
      return { parts, ms };
    },
    objects_in: () => {
      const [answer, ms] = timed(() => engine.checkInputsAsObjects(inputs, options));
      const [parts, parseMs] = timed(() => answer.split('\n').map((line) => JSON.parse(line)));
      return { parts, ms, parseMs };
    },
  };
  for (let run = 0; run < runs + 1; run += 1) {
    // The text first in the first run (not counted), which sets `perPart` for the objects.
    for (const bridge of turned(BRIDGES, run)) {
      const { parts, ms, parseMs } = calls[bridge]();
      reports[bridge] = parts;
      if (run === 0) continue;
      times[bridge].push(ms);
      if (parseMs !== undefined) times[`${bridge}_parse`].push(parseMs);
    }
  }
  // The inputs' crossing alone, three times as often: it is short.
  for (let run = 0; run < 3 * runs + 1; run += 1) {
    const [bytes, textMs] = timed(() => engine.readTexts(...textsOf(inputs)));
    const [sameBytes, objectsMs] = timed(() => engine.readInputsAsObjects(inputs));
    if (bytes !== sameBytes) throw new Error(`the inputs read as objects are ${sameBytes} bytes, as texts ${bytes}`);
    if (run === 0) continue;
    times.read_text.push(textMs);
    times.read_objects.push(objectsMs);
  }
  const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [`${k}_ms`, median(v)]));
  return { medians, perPart, reports };
}

/** The three bridges in Chromium, worker to page: medians of `runs` checks each. */
async function inChromium(page, inputs, perPart) {
  return page.evaluate(async ({ inputs, perPart, runs, bridges }) => {
    const worker = new Worker('./bridge-worker.js', { type: 'module' });
    const answer = (message, onPart) => new Promise((resolve, reject) => {
      const late = setTimeout(() => reject(new Error(`no answer from the worker in 120 s to ${JSON.stringify(Object.keys(message))}`)), 120_000);
      const settle = (then) => (value) => {
        clearTimeout(late);
        then(value);
      };
      resolve = settle(resolve);
      reject = settle(reject);
      worker.onmessage = (event) => {
        const took = performance.now();
        const data = event.data;
        if (data.error) reject(new Error(data.error));
        else if (data.part !== undefined) onPart(data.part, took);
        else resolve(data);
      };
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage(message);
    });
    await answer({ inputs }, () => {});
    const times = Object.fromEntries(bridges.map((b) => [b, { engine_ms: [], page_ms: [], round_trip_ms: [] }]));
    const reports = {};
    const turned = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
    for (let run = 0; run < runs + 1; run += 1) {
      for (const bridge of turned(bridges, run)) {
        const parts = [];
        let pageMs = 0;
        const started = performance.now();
        const done = await answer({ bridge, perPart }, (part, took) => {
          // Reading the message's data is when the browser makes the page's copy of objects.
          parts.push(typeof part === 'string' ? JSON.parse(part) : part);
          pageMs += performance.now() - took;
        });
        const roundTrip = performance.now() - started;
        if (parts.length !== done.parts) throw new Error(`${bridge}: ${parts.length} parts of ${done.parts}`);
        reports[bridge] = parts;
        if (run === 0) continue;
        times[bridge].engine_ms.push(done.engineMs);
        times[bridge].page_ms.push(pageMs);
        times[bridge].round_trip_ms.push(roundTrip);
      }
    }
    // The inputs' crossing alone, in the worker, three times as often: it is short.
    const read = { text_ms: [], objects_ms: [] };
    for (let run = 0; run < 3 * runs + 1; run += 1) {
      const text = await answer({ read: 'text' }, () => {});
      const objects = await answer({ read: 'objects' }, () => {});
      if (text.bytes !== objects.bytes) throw new Error(`the inputs read as objects are ${objects.bytes} bytes, as texts ${text.bytes}`);
      if (run === 0) continue;
      read.text_ms.push(text.ms);
      read.objects_ms.push(objects.ms);
    }
    worker.terminate();
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const medians = Object.fromEntries(Object.entries(times).map(([bridge, t]) => [
      bridge, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])),
    ]));
    medians.read = { text_ms: median(read.text_ms), objects_ms: median(read.objects_ms) };
    return { medians, reports };
  }, { inputs, perPart, runs, bridges: BRIDGES });
}

const site = await serve(build);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(site.url);
  for (const size of sizes) {
    // 1 (or less than a cluster): one cluster of one pool.
    const text = size < 1000 ? gcloudJson(1, 1) : gcloudJson(size);
    const inputs = [{ name: 'clusters.json', text, format: 'auto' }];
    const node = underNode(inputs);
    const chromium = await inChromium(page, inputs, node.perPart);
    // Every bridge gives the text's report, under Node and in Chromium.
    const expected = whole(node.reports.text);
    for (const [where, reports] of [['Node', node.reports], ['Chromium', chromium.reports]]) {
      for (const bridge of BRIDGES) {
        deepStrictEqual(whole(reports[bridge]), expected, `${bridge} in ${where}: not the text's report`);
      }
    }
    console.log(JSON.stringify({
      bytes: text.length,
      passing: expected.summary.pass,
      results: expected.results.length,
      parts: node.reports.text.length - 1,
      runs,
      node: node.medians,
      chromium: chromium.medians,
    }));
  }
} finally {
  await browser.close();
  await site.close();
}
