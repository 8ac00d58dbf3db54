// The engine comes in two builds of the same Rust code. The first reads gcloud output and
// plans and is small, so the page is quick to start; the full one also reads Terraform
// configuration and makes fixes, and is loaded the first time an input needs it (the first
// engine then throws NEEDS_FULL). From then on the full engine answers every call.

// What the first engine's error message starts with when only the full engine can answer.
export const NEEDS_FULL = 'needs the Terraform engine';

// The options of the page's own check while it hides passing results (what the worker's
// warm-up and the bench call): passing results counted, each finding's remediation left for
// when it is opened, the report in parts of PART_BYTES.
export const PART_BYTES = 256 * 1024;
export const PAGE_CHECK = { passing: 'counted', remediation: 'on-request', parts: PART_BYTES };

// Where dist/ keeps the two builds, beside this file.
const FIRST = 'pkg-gcloud';
const FULL = 'pkg';

/**
 * A caller of engine exports, `(method, args) => Promise<result>`, loading the builds from
 * beside `base`; `suffix` (such as `?instance=2`) makes the browser load fresh instances.
 */
export function engines(base, suffix = '') {
  let first = null;
  let full = null;
  const load = (dir) => {
    const loading = (async () => {
      const module = await import(new URL(`./${dir}/gkecheck.js${suffix}`, base).href);
      await module.default({ module_or_path: new URL(`./${dir}/gkecheck_bg.wasm`, base) });
      return module;
    })();
    // A build that could not be loaded (the network was gone) is tried again next call.
    loading.catch(() => {
      if (dir === FULL) full = null;
      else first = null;
    });
    return loading;
  };
  return async (method, args) => {
    if (!full) {
      first ??= load(FIRST);
      try {
        return invoke(await first, method, args);
      } catch (error) {
        if (!String(error?.message ?? error).startsWith(NEEDS_FULL)) throw error;
      }
      full ??= load(FULL);
    }
    return invoke(await full, method, args);
  };
}

/** Calls an export of a loaded engine module, refusing what is not one. */
export function invoke(module, method, args) {
  if (typeof module[method] !== 'function' || method === 'default' || method === 'initSync') {
    throw new Error(`no engine method ${method}`);
  }
  if (method === 'checkInputs') {
    const [inputs, ...rest] = args;
    // Inputs as objects go to the engine as a list of names and sizes and their texts as
    // UTF-8 bytes, one after another (checkTexts): made here, in the worker, not on the page's
    // thread. A text inside JSON would be escaped here and read back by the engine, a quote
    // and a line end at a time (an eighth of the check of a 100 KB paste), and the bindings
    // copy a string a character at a time, where bytes are copied at once.
    if (Array.isArray(inputs) && inputs.every((i) => typeof i?.name === 'string' && typeof i.text === 'string')) {
      return module.checkTexts(...textsOf(inputs), ...rest);
    }
    // JSON text, or objects the engine is to say what is wrong with.
    const json = typeof inputs === 'string' ? inputs : JSON.stringify(inputs);
    return module.checkInputsUtf8(utf8.encode(json), ...rest);
  }
  return module[method](...args);
}

/**
 * `checkTexts`' first two arguments for inputs `[{name, text, format}]`: the JSON list of their
 * names, formats and sizes, and their texts as UTF-8 bytes one after another.
 *
 * The texts are encoded straight into one array (`encodeInto`): in Chromium's workers that
 * took 13 ms for 8 MB where `encode` took 34 (1.9 against 5.2 ms for 1 MB; under Node the two
 * are alike), and nothing is joined after. Text within ASCII takes a byte a character, so the
 * array has one byte per UTF-16 unit; a text past ASCII that does not fit in it is encoded
 * text by text instead, each at its own size.
 */
export function textsOf(inputs) {
  const all = new Uint8Array(inputs.reduce((n, i) => n + i.text.length, 0));
  const sizes = [];
  let at = 0;
  for (const { text } of inputs) {
    const { read, written } = utf8.encodeInto(text, all.subarray(at));
    if (read < text.length) return textsEncodedEach(inputs);
    sizes.push(written);
    at += written;
  }
  return [listOf(inputs, sizes), all.subarray(0, at)];
}

/** `textsOf`, each text encoded at its own size and then joined. */
function textsEncodedEach(inputs) {
  const texts = inputs.map((i) => utf8.encode(i.text));
  return [listOf(inputs, texts.map((t) => t.length)), joined(texts)];
}

/** `checkTexts`' list: each input's name, format and size in bytes. */
function listOf(inputs, sizes) {
  return JSON.stringify(inputs.map((i, k) => ({ name: i.name, format: i.format, bytes: sizes[k] })));
}

/** The byte arrays one after another (the one itself when there is one). */
function joined(arrays) {
  if (arrays.length === 1) return arrays[0];
  const all = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  return all;
}

const utf8 = new TextEncoder();

/**
 * gcloud output of `count` clusters (about 4 KB each) for warming an engine: pools that pass and
 * pools that fail, so that a check of it runs the code a pasted cluster list runs (the
 * reader, the rules, the remediation, the report), as the page's inputs: `[{name, text, format}]`.
 */
export function warmUpInput(count = 6) {
  const clusters = [];
  for (let c = 0; c < count; c += 1) {
    clusters.push({
      name: `warm-up-${c}`,
      location: 'europe-west1',
      selfLink: `https://container.googleapis.com/v1/projects/warm-up/locations/europe-west1/clusters/warm-up-${c}`,
      currentMasterVersion: '1.30.5-gke.1014001',
      workloadIdentityConfig: c % 2 === 0 ? { workloadPool: 'warm-up.svc.id.goog' } : undefined,
      privateClusterConfig: { enablePrivateNodes: c % 3 !== 0 },
      masterAuthorizedNetworksConfig: { enabled: true, cidrBlocks: [{ cidrBlock: '10.0.0.0/8' }] },
      networkPolicy: { enabled: c % 2 === 1, provider: 'CALICO' },
      releaseChannel: { channel: 'REGULAR' },
      nodePools: Array.from({ length: 4 }, (_, i) => ({
        name: `pool-${i}`,
        config: {
          machineType: 'e2-standard-4',
          imageType: i === 3 ? 'UBUNTU_CONTAINERD' : 'COS_CONTAINERD',
          oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
          serviceAccount: i % 2 === 0 ? 'default' : 'gke-nodes@warm-up.iam.gserviceaccount.com',
          metadata: { 'disable-legacy-endpoints': 'true' },
          workloadMetadataConfig: (c + i) % 3 === 0 ? undefined : { mode: 'GKE_METADATA' },
          shieldedInstanceConfig: { enableSecureBoot: i !== 1, enableIntegrityMonitoring: true },
        },
        management: { autoUpgrade: true, autoRepair: i !== 2 },
        locations: ['europe-west1-b', 'europe-west1-c'],
        status: 'RUNNING',
      })),
    });
  }
  return [{ name: 'warm-up.json', text: JSON.stringify({ clusters }, null, 2), format: 'auto' }];
}
