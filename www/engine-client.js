// One gkecheck engine per page, shared by the page and every <gke-check> embed. It runs in a
// Web Worker; where a worker cannot start (a page opened from disk), it runs on the page's
// own thread. Either way an internal error in the engine rejects that call and the next call
// gets a fresh engine.

import { engines, invoke, PART_BYTES } from './engines.js';

const here = import.meta.url;
let worker = null;
let direct = null;
let directInstance = 0;
let nextId = 1;
// Calls sent to the worker and not answered yet: id → {resolve, reject, method, args}.
const pending = new Map();
// Whether a worker has ever answered: a worker that fails before that cannot start here (a
// host page's Content-Security-Policy may forbid workers), and the engine moves to this thread.
let workerAnswered = false;

export class EngineError extends Error {}

let markWarm;
/**
 * Resolves when the engine in the worker is warm (worker.js: the browser has optimised its
 * code); never where the engine runs on the page's thread.
 */
export const engineWarm = new Promise((resolve) => {
  markWarm = resolve;
});

function failAll(message) {
  for (const { reject } of pending.values()) reject(new EngineError(message));
  pending.clear();
}

function startWorker() {
  if (globalThis.GKECHECK_INLINE_ENGINE) return false;
  try {
    worker = new Worker(new URL('./worker.js', here), { type: 'module' });
  } catch {
    worker = null;
    return false;
  }
  worker.onmessage = (event) => {
    workerAnswered = true;
    const { id, ok, value, error, restart, warm, part, engineMs } = event.data;
    if (warm) {
      markWarm();
      return;
    }
    if (part !== undefined) {
      // One line of a report in parts, parsed in this message's own task.
      const waiting = pending.get(id);
      if (waiting && !waiting.failed) {
        try {
          waiting.parsed.push(JSON.parse(part));
        } catch (e) {
          waiting.failed = e;
        }
      }
      return;
    }
    const call = pending.get(id);
    pending.delete(id);
    if (restart) {
      worker?.terminate();
      worker = null;
      failAll(error);
    }
    if (!call) return;
    if (!ok) call.reject(new EngineError(error));
    else if (!call.parsed) call.resolve(value);
    else if (call.failed || call.parsed.length !== value) call.reject(new EngineError(`the report came in parts that could not be read (${call.failed?.message ?? 'parts missing'})`));
    else call.resolve(Object.assign(call.parsed, { engineMs }));
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    worker?.terminate();
    worker = null;
    if (!workerAnswered) {
      // It never started: run on this thread from now on, these calls included.
      useWorker = false;
      const calls = [...pending.values()];
      pending.clear();
      for (const c of calls) request(c.method, c.args, Boolean(c.parsed)).then(c.resolve, c.reject);
      return;
    }
    failAll(event.message || 'the checker stopped');
  };
  return true;
}

// The engine on this thread: the bundled one of a single-file page (the full engine), or the
// two builds loaded as the worker loads them.
async function directEngine() {
  if (direct) return direct;
  const inline = globalThis.GKECHECK_INLINE_ENGINE;
  if (inline) {
    const module = await inline();
    direct = async (method, args) => invoke(module, method, args);
    return direct;
  }
  directInstance += 1;
  const suffix = directInstance === 1 ? '' : `?instance=${directInstance}`;
  direct = engines(here, suffix);
  return direct;
}

let useWorker = null;

/** Calls an engine export (`checkInputs`, `rulesJson`, `redact`, ...) and resolves to its result; `checkInputs` takes the inputs as JSON text or as the objects. */
export function call(method, ...args) {
  return request(method, args, false);
}

/**
 * Calls an engine export; with `parts`, one whose answer is JSON lines (`checkInputs` with
 * `parts` in its options), resolving to the list of their values: from the worker each line
 * comes in a message of its own and is parsed in that message's task.
 */
async function request(method, args, parts) {
  if (useWorker === null) useWorker = startWorker();
  if (useWorker) {
    if (!worker && !startWorker()) useWorker = false;
  }
  if (useWorker && worker) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, method, args, parsed: parts ? [] : null });
      worker.postMessage({ id, method, args, parts });
    });
  }
  const engine = await directEngine();
  let value;
  const started = performance.now();
  try {
    value = await engine(method, args);
  } catch (error) {
    // A trap leaves this instance unusable: the next call loads a fresh one.
    direct = null;
    throw new EngineError(String(error?.message ?? error));
  }
  const engineMs = performance.now() - started;
  return parts ? Object.assign(value.split('\n').map((line) => JSON.parse(line)), { engineMs }) : value;
}

/**
 * Why the engine could not start, in plain words, when that is the reason for `error`; null
 * for anything else. A host page's Content-Security-Policy without 'wasm-unsafe-eval', files
 * that another origin serves without CORS, and browsers without WebAssembly each say what to do.
 */
export function startFailure(error) {
  const text = String(error?.message ?? error ?? '');
  if (typeof WebAssembly === 'undefined') {
    return 'This browser cannot run WebAssembly, which gkecheck needs: use a current Chrome, Edge, Firefox or Safari.';
  }
  if (/wasm-unsafe-eval|Content.Security.Policy|Refused to compile|CompileError/i.test(text)) {
    return "The page's Content-Security-Policy does not let WebAssembly run: the host must add 'wasm-unsafe-eval' to script-src (gkecheck's README, Embedding, lists the whole policy).";
  }
  if (/dynamically imported module|Failed to fetch|NetworkError|Importing a module script failed|CORS/i.test(text)) {
    return "gkecheck's files could not be loaded: the host must serve embed.js, engine-client.js, engines.js, report-view.js, dom.js, worker.js, pkg/ and pkg-gcloud/ together, with an Access-Control-Allow-Origin header when they come from another origin, and allow that origin in script-src and connect-src.";
  }
  return null;
}

// PART_BYTES, the size of each part of a report (bytes of JSON): the page's thread parses one
// in a few milliseconds, where the whole report of an 8 MB paste (32 MB: every failing result
// with its remediation) took it 150 ms, with typing blocked.

/**
 * Checks inputs `[{name, text, format}]` and resolves to the report object; `options` are
 * checkInputs' (`{passing: 'counted'}`). The report comes in parts, each parsed in a task of
 * its own, and is put together here. `engineTime(report)` is how long the engine's own call
 * took (in the worker, or on this thread without one).
 */
export async function check(inputs, options = {}) {
  const answer = await request('checkInputs', [inputs, JSON.stringify({ ...options, parts: PART_BYTES })], true);
  const [report, ...parts] = answer;
  report.results = parts.length === 1 ? parts[0] : parts.flat();
  engineTimes.set(report, answer.engineMs);
  return report;
}

// Kept beside the report, not in it: the report is the engine's own, as it is downloaded.
const engineTimes = new WeakMap();

/** Milliseconds the engine's call took for a report `check` gave, or undefined. */
export function engineTime(report) {
  return engineTimes.get(report);
}
