// The engine comes in two builds of the same Rust code. The first reads gcloud output and
// plans and is small, so the page is quick to start; the full one also reads Terraform
// configuration and makes fixes, and is loaded the first time an input needs it (the first
// engine then throws NEEDS_FULL). From then on the full engine answers every call.

// What the first engine's error message starts with when only the full engine can answer.
export const NEEDS_FULL = 'needs the Terraform engine';

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
  return module[method](...args);
}
