// The gkecheck page: runs the checker (Rust compiled to WebAssembly) on what is pasted, and
// renders the same report the command line prints as JSON. Nothing leaves the page.

const $ = (id) => document.getElementById(id);
const input = $('input');
const gutter = $('gutter');
const formatSelect = $('format');
const statusLine = $('status');
const resultsBox = $('results');
const errorsBox = $('errors');
const detected = $('detected');
const notice = $('notice');

const FORMAT_NAMES = {
  'gcloud-json': 'gcloud JSON', 'gcloud-yaml': 'gcloud YAML', terminal: 'terminal paste',
  terraform: 'Terraform', 'terraform-plan': 'Terraform plan', unknown: 'not recognised',
};
const STATUS_WORDS = { fail: 'FAIL', pass: 'PASS', unknown: 'UNKNOWN' };
const STATUS_ORDER = { fail: 0, unknown: 1, pass: 2 };
const DEFAULT_EXAMPLE = 'examples/vulnerable-cluster.json';
// Line numbers past this many are not drawn (the text area itself stays whole).
const GUTTER_MAX_LINES = 100_000;

let engine = null;
let instance = 0;
let timer = 0;

// ---------------------------------------------------------------- the engine

// Loads a fresh instance of the Wasm module. After a trap (a panic in the engine) the old
// instance's state cannot be trusted, so a new module URL gives a new instance.
async function loadEngine() {
  instance += 1;
  const url = instance === 1 ? './pkg/gkecheck.js' : `./pkg/gkecheck.js?instance=${instance}`;
  const module = await import(url);
  await module.default({ module_or_path: new URL('./pkg/gkecheck_bg.wasm', import.meta.url) });
  engine = module;
}

// Calls into the engine; on an internal error, says so and starts a fresh instance.
function guarded(call) {
  try {
    return { value: call(engine) };
  } catch (error) {
    engine = null;
    showInternalError(error);
    loadEngine().then(() => scheduleCheck(0), (e) => showInternalError(e));
    return { error };
  }
}

function showInternalError(error) {
  const box = document.createElement('div');
  box.className = 'internal-error';
  box.setAttribute('role', 'alert');
  box.dataset.internalError = '';
  box.textContent = `The checker hit an internal error and was restarted (${error && error.message ? error.message : error}). ` +
    'Your text is still here; the check runs again. If this keeps happening, the input triggers a bug in gkecheck.';
  notice.replaceChildren(box);
  statusLine.textContent = 'The checker was restarted after an internal error.';
}

// ---------------------------------------------------------------- checking

function scheduleCheck(delay) {
  clearTimeout(timer);
  timer = setTimeout(runCheck, delay ?? (input.value.length > 1_000_000 ? 400 : 120));
}

function runCheck() {
  updateGutter();
  if (!engine) return;
  const text = input.value;
  if (text.trim() === '') {
    errorsBox.replaceChildren();
    resultsBox.replaceChildren();
    detected.textContent = '';
    statusLine.textContent = 'Paste a cluster, a node pool or Terraform to check it.';
    delete resultsBox.dataset.checkMs;
    return;
  }
  const request = JSON.stringify([{ name: 'input', text, format: formatSelect.value }]);
  const started = performance.now();
  const outcome = guarded((e) => e.checkInputs(request));
  if (outcome.error) return;
  const ms = performance.now() - started;
  render(JSON.parse(outcome.value), ms);
}

// ---------------------------------------------------------------- rendering

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(report, ms) {
  const source = report.inputs[0];
  detected.textContent = source ? `Detected: ${FORMAT_NAMES[source.format] ?? source.format}` : '';

  const errors = report.inputs.filter((i) => i.error).map((i) => {
    const box = el('div', 'input-error');
    box.setAttribute('role', 'alert');
    box.append(el('strong', '', `Line ${i.error.line}, column ${i.error.column}: `), el('span', '', i.error.message), ' ');
    const show = el('button', 'goto', 'Show in input');
    show.type = 'button';
    show.addEventListener('click', () => select(i.error.offset, i.error.offset + 1, i.error.line));
    box.append(show);
    return box;
  });
  const notes = report.inputs.flatMap((i) => i.notes).map((n) => {
    const box = el('div', 'input-note');
    box.append(el('strong', '', `Line ${n.line}: `), el('span', '', n.message), ' ');
    const show = el('button', 'goto', 'Show in input');
    show.type = 'button';
    show.addEventListener('click', () => select(n.offset, n.offset + 1, n.line));
    box.append(show);
    return box;
  });
  errorsBox.replaceChildren(...errors, ...notes);

  const groups = new Map();
  for (const r of report.results) {
    const key = r.resource.kind === 'cluster' ? r.resource.name : (r.resource.cluster ?? '');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const sections = [];
  for (const [cluster, results] of groups) {
    const section = el('section', 'cluster-group');
    section.dataset.cluster = cluster;
    const worst = results.some((r) => r.status === 'fail') ? 'failing' : results.some((r) => r.status === 'unknown') ? 'unknown' : 'passing';
    section.append(el('h3', '', cluster ? `Cluster ${cluster} (${worst})` : `Node pools whose cluster is not in the input (${worst})`));
    results.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.location.offset - b.location.offset);
    for (const r of results) section.append(resultElement(r));
    sections.push(section);
  }
  resultsBox.replaceChildren(...sections);
  resultsBox.dataset.checkMs = ms.toFixed(1);

  const s = report.summary;
  const parts = [`${s.fail} failing`, `${s.pass} passing`];
  if (s.unknown) parts.push(`${s.unknown} unknown`);
  if (s.errors) parts.push('the input could not be read');
  statusLine.textContent = `${parts.join(', ')}. Checked locally in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`;
}

function resultElement(r) {
  const item = el('article', 'result');
  item.dataset.rule = r.rule;
  item.dataset.status = r.status;
  item.dataset.name = r.resource.name;
  const head = el('div', 'result-head');
  head.append(
    el('span', 'badge', STATUS_WORDS[r.status]),
    el('span', 'rule', `${r.rule} ${r.name}`),
    el('span', 'severity', r.severity),
    el('span', 'resource', `${r.resource.kind === 'cluster' ? 'cluster' : 'node pool'} ${r.resource.name}`),
  );
  const goto = el('button', 'goto', `Line ${r.location.line}`);
  goto.type = 'button';
  goto.title = 'Select the place in the input';
  goto.setAttribute('aria-label', `Show ${r.resource.name} at line ${r.location.line} in the input`);
  goto.addEventListener('click', () => select(r.location.offset, r.location.endOffset, r.location.line));
  head.append(goto);
  item.append(head, el('p', 'message', r.message));
  if (r.remediation) item.append(fixElement(r.remediation, r.status === 'fail'));
  return item;
}

function fixElement(fix, open) {
  const box = el('details', 'fix');
  box.open = open;
  box.append(el('summary', '', 'How to fix'), el('p', '', fix.summary));
  const steps = el('ol');
  for (const step of fix.steps) steps.append(stepElement(step));
  box.append(steps);
  if (fix.warnings.length) {
    const list = el('ul');
    for (const w of fix.warnings) list.append(el('li', 'warning', `Warning: ${w}`));
    box.append(list);
  }
  if (fix.verify.length) {
    box.append(el('h4', '', 'Verify'));
    const list = el('ul');
    for (const step of fix.verify) list.append(stepElement(step));
    box.append(list);
  }
  return box;
}

function stepElement(step) {
  const item = el('li');
  item.append(el('div', '', step.title + (step.location ? ` (line ${step.location.line})` : '')));
  const code = el('div', 'code');
  const pre = el('pre', '', step.code);
  pre.dataset.language = step.language;
  const button = el('button', 'copy', 'Copy');
  button.type = 'button';
  button.setAttribute('aria-label', `Copy: ${step.title}`);
  button.addEventListener('click', () => copy(step.code, button));
  code.append(pre, button);
  item.append(code);
  if (step.location) {
    const go = el('button', 'goto', 'Show where');
    go.type = 'button';
    go.addEventListener('click', () => select(step.location.offset, step.location.endOffset, step.location.line));
    item.append(go);
  }
  return item;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
}

// Selects a range of the input (UTF-16 offsets, as the report gives them) and scrolls to it.
function select(start, end, line) {
  input.focus();
  input.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(input).lineHeight) || 20;
  input.scrollTop = Math.max(0, (line - 1) * lineHeight - input.clientHeight / 3);
  gutter.scrollTop = input.scrollTop;
}

// ---------------------------------------------------------------- the editor

let gutterLines = 0;
function updateGutter() {
  let lines = 1;
  const text = input.value;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  if (lines === gutterLines) return;
  gutterLines = lines;
  const shown = Math.min(lines, GUTTER_MAX_LINES);
  const numbers = new Array(shown);
  for (let i = 0; i < shown; i += 1) numbers[i] = i + 1;
  // One more line than the text so the gutter can scroll as far as the text area.
  gutter.textContent = numbers.join('\n') + (lines > shown ? '\n…' : '\n ');
  gutter.scrollTop = input.scrollTop;
}

function setInput(text, format) {
  input.value = text;
  formatSelect.value = format || 'auto';
  input.scrollTop = 0;
  scheduleCheck(0);
}

async function loadExample(path, format) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  setInput(await response.text(), format);
}

// `#input=<base64url of the UTF-8 text>` (and optionally `&format=terraform`): the fragment
// never reaches a server.
function fromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const data = params.get('input');
  if (data === null) return false;
  try {
    let b64 = data.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    setInput(new TextDecoder('utf-8', { fatal: true }).decode(bytes), params.get('format'));
  } catch (error) {
    setInput('', 'auto');
    statusLine.textContent = `The link's #input= could not be read (expected the base64url of UTF-8 text): ${error.message}`;
  }
  return true;
}

// A paste larger than the engine reads is refused before it reaches the text area, which
// would take a long time to lay out tens of megabytes.
input.addEventListener('paste', (event) => {
  const text = event.clipboardData?.getData('text/plain') ?? '';
  const limit = engine ? engine.maxInputBytes() : 32 * 1024 * 1024;
  if (text.length <= limit / 4) return;
  const bytes = new Blob([text]).size;
  if (bytes <= limit) return;
  event.preventDefault();
  const box = el('div', 'input-error');
  box.setAttribute('role', 'alert');
  box.textContent = `The pasted text was not inserted: it is ${(bytes / 1048576).toFixed(1)} MiB, and gkecheck reads at most ${limit / 1048576} MiB. ` +
    'Paste one cluster or one Terraform module at a time (a cluster\'s describe output is usually well under 1 MiB).';
  errorsBox.replaceChildren(box);
  statusLine.textContent = 'The pasted text is too large to check.';
});
input.addEventListener('input', () => {
  notice.replaceChildren();
  scheduleCheck();
});
input.addEventListener('scroll', () => { gutter.scrollTop = input.scrollTop; });
formatSelect.addEventListener('change', () => scheduleCheck(0));
$('clear').addEventListener('click', () => { setInput('', 'auto'); input.focus(); });
for (const button of document.querySelectorAll('[data-example]')) {
  button.addEventListener('click', () => loadExample(button.dataset.example, button.dataset.format)
    .catch((e) => { statusLine.textContent = `The example could not be loaded: ${e.message}`; }));
}
window.addEventListener('hashchange', fromFragment);

// For pages and tests that drive the checker directly.
window.gkecheck = {
  check(text, format = 'auto') {
    const outcome = guarded((e) => e.checkInputs(JSON.stringify([{ name: 'input', text, format }])));
    return outcome.error ? null : JSON.parse(outcome.value);
  },
  rules() {
    const outcome = guarded((e) => e.rulesJson());
    return outcome.error ? null : JSON.parse(outcome.value);
  },
  // Makes the engine panic, to show that the page recovers.
  selfTestPanic() {
    return guarded((e) => e.panicTest()).error !== undefined;
  },
};

loadEngine().then(() => {
  document.documentElement.dataset.ready = '';
  if (!fromFragment()) {
    if (input.value.trim() === '') {
      loadExample(DEFAULT_EXAMPLE, 'auto').catch((e) => { statusLine.textContent = `The example could not be loaded: ${e.message}`; });
    } else {
      scheduleCheck(0);
    }
  }
}, (error) => {
  statusLine.textContent = `The checker could not be loaded: ${error.message}`;
});
