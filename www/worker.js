// The gkecheck engine in a Web Worker: the page and every embed on it send inputs here, so a
// large input never blocks typing. Messages: {id, method, args} in, {id, ok, value|error} out.

import init, * as engine from './pkg/gkecheck.js';

const ready = init({ module_or_path: new URL('./pkg/gkecheck_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const { id, method, args } = event.data;
  try {
    await ready;
    if (typeof engine[method] !== 'function' || method === 'default' || method === 'initSync') {
      throw new Error(`no engine method ${method}`);
    }
    self.postMessage({ id, ok: true, value: engine[method](...args) });
  } catch (error) {
    // After a trap the instance cannot be trusted: say so, and end this worker. The page
    // starts a fresh one for the next call. Other errors leave it as it was.
    const trap = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, error: String(error?.message ?? error), restart: trap });
    if (trap) self.close();
  }
};
