// The gkecheck engine in a Web Worker: the page and every embed on it send inputs here, so a
// large input never blocks typing. Messages: {id, method, args, parts?} in, {id, ok,
// value|error} out (after {id, part} for each line of the answer, with `parts`), and
// {warm: true} once the engine is warm (below). The final answer carries `engineMs`, how long
// the engine's call took in this worker (the bench reads it; the page shows the round trip).

import { engines, PAGE_CHECK, warmUpInput } from './engines.js';

const engine = engines(import.meta.url);

// The first large check would run before the browser has optimised the engine's code (a check
// of 100 KB took 30 to 40 ms then, 14 ms after), and while the engine's memory is still small.
// So once the worker has answered its first check, it checks a generated cluster list of about
// 24 KB three times and one of about 160 KB twelve times, a task each, as the page calls it:
// the browser optimises what every check runs, and the engine's memory grows to what a large
// paste needs, before a person has pasted anything. Chromium optimises the engine function by
// function as each grows hot: the first real check of 103 KB in this worker took a median of
// 5.1 ms (2.8 to 8.7) after four large checks, 3.8 (2.6 to 6.4) after eight and 3.7 (2.6 to
// 4.9) after twelve (sixteen fresh pages each, 2 December 2026); the twelve take the worker
// 0.1 to 0.2 s. A call that comes meanwhile waits for one of these checks at most (a large
// one takes 5 to 25 ms).
let warming = null;
function warmUp() {
  warming ??= (async () => {
    const options = JSON.stringify(PAGE_CHECK);
    for (const count of [6, 6, 6, ...Array(12).fill(40)]) {
      const input = warmUpInput(count);
      await new Promise((resolve) => setTimeout(resolve, 0));
      await engine('checkInputs', [input, options]);
    }
    self.postMessage({ warm: true });
  })().catch((error) => {
    // A trap here ends this worker as a trap in a call does (below); the page starts a fresh
    // one for its next call. The input is the engine's own, so nothing else is expected.
    if (error instanceof WebAssembly.RuntimeError) {
      self.postMessage({ ok: false, error: String(error.message), restart: true });
      self.close();
    }
  });
}

self.onmessage = async (event) => {
  const { id, method, args, parts } = event.data;
  try {
    const started = performance.now();
    const value = await engine(method, args);
    const engineMs = performance.now() - started;
    if (parts) {
      // A report in parts (JSON lines): a message each, so that the page parses each in a
      // task of its own; then the count.
      const lines = value.split('\n');
      for (const part of lines) self.postMessage({ id, part });
      self.postMessage({ id, ok: true, value: lines.length, engineMs });
    } else {
      self.postMessage({ id, ok: true, value, engineMs });
    }
    // After the first check (the page's example), which must not wait for it.
    if (method === 'checkInputs') warmUp();
  } catch (error) {
    // After a trap the instance cannot be trusted: say so, and end this worker. The page
    // starts a fresh one for the next call. Other errors leave it as it was.
    const trap = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, error: String(error?.message ?? error), restart: trap });
    if (trap) self.close();
  }
};
