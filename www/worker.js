// The gkecheck engine in a Web Worker: the page and every embed on it send inputs here, so a
// large input never blocks typing. Messages: {id, method, args} in, {id, ok, value|error} out.

import { engines } from './engines.js';

const engine = engines(import.meta.url);

self.onmessage = async (event) => {
  const { id, method, args } = event.data;
  try {
    self.postMessage({ id, ok: true, value: await engine(method, args) });
  } catch (error) {
    // After a trap the instance cannot be trusted: say so, and end this worker. The page
    // starts a fresh one for the next call. Other errors leave it as it was.
    const trap = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, error: String(error?.message ?? error), restart: trap });
    if (trap) self.close();
  }
};
