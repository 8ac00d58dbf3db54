// The worker of the bridge benchmark (tests/bench/bridge.mjs), in Chromium: the harness's
// build of the first engine, called as the page's worker calls it, hands its report to the
// page in parts by one of three bridges:
// - `text`: the page's own (inputs' texts as UTF-8 bytes, `checkTexts`; the report as JSON
//   lines, a message each, which the page parses);
// - `objects_out`: the same inputs; the report as objects (`checkTextsAsObjects`), a message
//   for each part, which the browser copies to the page (structured clone);
// - `objects_in`: the inputs as objects (`checkInputsAsObjects`); the report as `text`.
// Messages: {inputs} first (answered {ready}), then {bridge, perPart} for each check, answered
// {part} for each part and then {parts, engineMs}; {read: 'text' | 'objects'} has the engine
// read the inputs alone, through the page's bridge or as objects, answered {bytes, ms}.
import init, * as engine from './pkg/gkecheck.js';
import { invoke, PAGE_CHECK, textsOf } from './engines.js';

// Loaded while the first message comes, which waits for it: a handler set only after an
// `await` at the top would miss it.
const loaded = init({ module_or_path: new URL('./pkg/gkecheck_bg.wasm', import.meta.url) });

const options = JSON.stringify(PAGE_CHECK);
const { parts: _, ...unparted } = PAGE_CHECK;
const objectOptions = JSON.stringify(unparted);
let inputs = null;

self.onmessage = async (event) => {
  if (event.data.inputs) {
    await loaded;
    inputs = event.data.inputs;
    self.postMessage({ ready: true });
    return;
  }
  if (event.data.read) {
    // The inputs' crossing alone: read by the engine as the page's bridge or as objects.
    const started = performance.now();
    const bytes = event.data.read === 'text' ? engine.readTexts(...textsOf(inputs)) : engine.readInputsAsObjects(inputs);
    self.postMessage({ bytes, ms: performance.now() - started });
    return;
  }
  const { bridge, perPart } = event.data;
  try {
    const started = performance.now();
    let parts;
    if (bridge === 'text') {
      parts = invoke(engine, 'checkInputs', [inputs, options]).split('\n');
    } else if (bridge === 'objects_in') {
      parts = engine.checkInputsAsObjects(inputs, options).split('\n');
    } else if (bridge === 'objects_out') {
      parts = engine.checkTextsAsObjects(...textsOf(inputs), objectOptions, perPart);
    } else {
      throw new Error(`no bridge ${bridge}`);
    }
    const engineMs = performance.now() - started;
    for (const part of parts) self.postMessage({ part });
    self.postMessage({ parts: parts.length, engineMs });
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
