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
    // Inputs may come as objects, made JSON text here: in the worker, not on the page's thread
    // (8 MB took 40 ms there). The text goes to the engine as UTF-8 bytes, which are copied
    // at once, where the bindings copy a string a character at a time (140 KB: 0.4 to 0.7 ms).
    const json = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    return module.checkInputsUtf8(utf8.encode(json), ...args.slice(1));
  }
  return module[method](...args);
}

const utf8 = new TextEncoder();

/**
 * gcloud output of `count` clusters (about 4 KB each) for warming an engine: pools that pass and
 * pools that fail, so that a check of it runs the code a pasted cluster list runs (the
 * reader, the rules, the remediation, the report).
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
  return JSON.stringify([{ name: 'warm-up.json', text: JSON.stringify({ clusters }, null, 2), format: 'auto' }]);
}
