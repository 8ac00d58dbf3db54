import { call, EngineError, startFailure } from './engine-client.js';
import { fragmentParams, packText, textFromParams } from './links.js';
import { inline } from './markdown.js';

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
const STATUS_WORDS = { fail: 'FAIL', pass: 'PASS', unknown: 'UNKNOWN', suppressed: 'SUPPRESSED' };
const DEFAULT_EXAMPLE = 'examples/vulnerable-cluster.json';
// Line numbers past this many are not drawn (the text area itself stays whole).
const GUTTER_MAX_LINES = 100_000;

// The texts being checked: the paste area alone, or the files that were opened or dropped
// (each checked as its own input, named by its path so Terraform modules stay together).
let documents = [{ name: 'input', text: '' }];
let current = 0;
const fileSelect = $('file');

let timer = 0;
let ready = false;
let maxInputBytes = 32 * 1024 * 1024;
// Each check has a number; a result that arrives after a newer check started is dropped.
let checkNumber = 0;
// The text that last made the engine fail, so that the same text is not retried forever.
let failedRequest = null;

// ---------------------------------------------------------------- the engine

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

function megabytes(n) {
  return `${(n / 1048576).toFixed(1)} MB`;
}

async function runCheck() {
  updateGutter();
  if (!ready) return;
  documents[current].text = input.value;
  const number = ++checkNumber;
  if (documents.every((d) => d.text.trim() === '')) {
    errorsBox.replaceChildren();
    resultsBox.replaceChildren();
    detected.textContent = '';
    statusLine.textContent = 'Paste a cluster, a node pool or Terraform to check it.';
    delete resultsBox.dataset.checkMs;
    return;
  }
  const single = documents.length === 1;
  const inputs = documents.map((d) => ({ name: d.name, text: d.text, format: single ? formatSelect.value : 'auto' }));
  const request = JSON.stringify(inputs);
  if (request === failedRequest) return;
  const started = performance.now();
  // A large input takes a moment: the status line says what is happening meanwhile.
  const size = inputs.reduce((n, i) => n + i.text.length, 0);
  const progress = setInterval(() => {
    if (number === checkNumber) {
      statusLine.textContent = `Checking ${megabytes(size)}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
    }
  }, 250);
  try {
    const report = JSON.parse(await call('checkInputs', request));
    if (number !== checkNumber) return;
    failedRequest = null;
    render(exercise ? exerciseView(report) : report, performance.now() - started);
    await updateExercise();
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    showInternalError(error);
    // Once more with a fresh engine; the same text is not retried after that.
    if (failedRequest !== request) {
      failedRequest = request;
      scheduleCheck(0);
    }
  } finally {
    clearInterval(progress);
  }
}

// ---------------------------------------------------------------- rendering

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// "main.tf, line 3" for opened files, "Line 3" for the paste area.
function place(inputName, line) {
  return documents.length > 1 || documents[0].name !== 'input' ? `${inputName}, line ${line}` : `Line ${line}`;
}

// The last report shown, to lay out again when the reader changes what is shown.
let lastRender = null;
$('hide-passing').addEventListener('change', () => {
  if (lastRender) render(...lastRender);
});
for (const id of ['filter-status', 'filter-severity', 'filter-rule']) {
  $(id).addEventListener('change', () => { if (lastRender) render(...lastRender); });
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };

// The rule filter offers the rules the report has results for.
function updateRuleFilter(report) {
  const select = $('filter-rule');
  const rules = [...new Set(report.results.map((r) => r.rule))].sort();
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.join() === rules.join()) return;
  const chosen = select.value;
  select.replaceChildren(el('option', '', 'any'), ...rules.map((id) => {
    const option = el('option', '', id);
    option.value = id;
    return option;
  }));
  select.options[0].value = '';
  select.value = rules.includes(chosen) ? chosen : '';
}

function render(report, ms) {
  lastRender = [report, ms];
  const hidePassing = $('hide-passing').checked;
  const source = report.inputs[current] ?? report.inputs[0];
  detected.textContent = source ? `Detected: ${FORMAT_NAMES[source.format] ?? source.format}` : '';
  updateFileSelect(report);

  const message = (i, m, className) => {
    const box = el('div', className);
    if (className === 'input-error') box.setAttribute('role', 'alert');
    const where = className === 'input-error' ? `${place(i.name, m.line)}, column ${m.column}: ` : `${place(i.name, m.line)}: `;
    box.append(el('strong', '', where), el('span', '', m.message), ' ');
    const show = el('button', 'goto', 'Show in input');
    show.type = 'button';
    show.addEventListener('click', () => goto(i.name, m.offset, m.offset + 1, m.line));
    box.append(show);
    return box;
  };
  const errors = report.inputs.filter((i) => i.error).map((i) => message(i, i.error, 'input-error'));
  const notes = report.inputs.flatMap((i) => i.notes.map((n) => message(i, n, 'input-note')));
  errorsBox.replaceChildren(...errors, ...notes);

  renderHeadline($('headline'), report);

  // Filters by status, severity (this one or worse) and rule.
  const wantStatus = $('filter-status').value;
  const wantSeverity = SEVERITY_RANK[$('filter-severity').value];
  const wantRule = $('filter-rule').value;
  updateRuleFilter(report);
  const shown = report.results.filter((r) => (!wantStatus || r.status === wantStatus)
    && (wantSeverity === undefined || SEVERITY_RANK[r.severity] <= wantSeverity)
    && (!wantRule || r.rule === wantRule));

  const groups = new Map();
  for (const r of shown) {
    const key = r.resource.kind === 'cluster' ? r.resource.name : (r.resource.cluster ?? '');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const sections = [];
  for (let [cluster, results] of groups) {
    const section = el('section', 'cluster-group');
    section.dataset.cluster = cluster;
    const worst = results.some((r) => r.status === 'fail') ? 'failing' : results.some((r) => r.status === 'unknown') ? 'unknown' : 'passing';
    section.append(el('h3', '', cluster ? `Cluster ${cluster} (${worst})` : `Node pools whose cluster is not in the input (${worst})`));
    // The engine's ranking (failing, unknown, suppressed, passing; worst severity first) is
    // kept as it is.
    if (hidePassing) {
      const passing = results.filter((r) => r.status === 'pass').length;
      results = results.filter((r) => r.status !== 'pass');
      if (passing) section.append(el('p', 'hidden-passing', `${passing} passing not shown.`));
    }
    // A very large input gives tens of thousands of results: the first ones (failures first)
    // are laid out at once, the rest on request.
    const SHOWN = 1500;
    for (const r of results.slice(0, SHOWN)) section.append(resultElement(r));
    if (results.length > SHOWN) {
      const more = el('button', 'show-more', `Show ${results.length - SHOWN} more results`);
      more.type = 'button';
      more.addEventListener('click', () => {
        more.replaceWith(...results.slice(SHOWN).map(resultElement));
      });
      section.append(more);
    }
    sections.push(section);
  }
  resultsBox.replaceChildren(...sections);
  resultsBox.dataset.checkMs = ms.toFixed(1);

  const s = report.summary;
  const parts = [`${s.fail} failing`, `${s.pass} passing`];
  if (s.unknown) parts.push(`${s.unknown} unknown`);
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  if (s.errors) parts.push('the input could not be read');
  if (report.hidden) parts.push(`${report.hidden} results of rules outside this exercise not shown`);
  statusLine.textContent = `${parts.join(', ')}. Checked locally in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`;
}

// The answer first: per cluster, how many node pools run the GKE metadata server and which
// expose the node's token, then the failures by severity. Hooks for tests and embedders:
// data-pools-total and data-pools-exposed, summed over the clusters.
function renderHeadline(box, report) {
  const lines = report.headline ?? [];
  const total = lines.reduce((n, h) => n + h.pools_total, 0);
  const exposed = lines.reduce((n, h) => n + h.pools_exposed.length, 0);
  box.dataset.poolsTotal = String(total);
  box.dataset.poolsExposed = String(exposed);
  const f = report.summary.failing;
  const severities = [['critical', f.critical], ['high', f.high], ['medium', f.medium], ['low', f.low]]
    .filter(([, n]) => n).map(([w, n]) => `${n} ${w}`);
  const items = lines.map((h) => {
    const p = el('p', h.pools_exposed.length ? 'answer exposed' : h.pools_unknown.length ? 'answer unknown' : 'answer protected', h.text);
    if (h.cluster) p.dataset.cluster = h.cluster;
    return p;
  });
  if (report.summary.fail) items.push(el('p', 'severity-counts', `Failing: ${severities.join(', ')}.`));
  // The worst finding (the report is ranked), one click from its place in the results.
  const worst = report.results[0];
  if (worst && worst.status === 'fail') {
    const p = el('p', 'worst');
    const go = el('button', 'goto-worst', `Worst finding: ${worst.rule} (${worst.severity}), ${worst.resource.kind === 'cluster' ? 'cluster' : 'node pool'} ${worst.resource.name}`);
    go.type = 'button';
    go.addEventListener('click', () => {
      const target = document.querySelector(`#results .result[data-rule="${worst.rule}"][data-status="fail"]`);
      target?.scrollIntoView({ block: 'start' });
      target?.querySelector('button')?.focus();
    });
    p.append(go, ` ${TITLES[worst.rule]?.[0] ?? worst.message}`);
    items.push(p);
  }
  box.replaceChildren(...items);
  box.hidden = items.length === 0;
}

function resultElement(r) {
  const item = el('article', 'result');
  item.dataset.rule = r.rule;
  item.dataset.status = r.status;
  item.dataset.name = r.resource.name;
  item.dataset.input = r.location.input;
  const head = el('div', 'result-head');
  head.append(
    el('span', 'badge', STATUS_WORDS[r.status]),
    el('span', 'rule', r.rule),
    el('span', 'title', TITLES[r.rule]?.[r.status === 'pass' ? 1 : 0] ?? r.name),
    el('span', 'severity', r.severity),
    el('span', 'resource', `${r.resource.kind === 'cluster' ? 'cluster' : 'node pool'} ${r.resource.name}`),
  );
  const show = el('button', 'goto', place(r.location.input, r.location.line));
  show.type = 'button';
  show.title = 'Select the place in the input';
  show.setAttribute('aria-label', `Show ${r.resource.name} at ${place(r.location.input, r.location.line)} in the input`);
  show.addEventListener('click', () => {
    returnTo = show;
    goto(r.location.input, r.location.offset, r.location.endOffset, r.location.line);
  });
  const about = el('button', 'about', `About ${r.rule}`);
  about.type = 'button';
  about.addEventListener('click', () => {
    returnTo = about;
    showRule(r.rule);
  });
  head.append(show, about);
  item.append(head, el('p', 'message', r.message));
  if (r.suppression) {
    const w = r.suppression;
    item.append(el('p', 'waived', `Waived by ${w.source}${w.until ? ` until ${w.until}` : ''}: ${w.reason}`));
  }
  if (r.remediation && r.status !== 'suppressed') {
    // Compact: the fix is one click away.
    item.append(fixElement(r.remediation, false));
    item.append(waiverElement(r));
  }
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

// How to accept this risk on the record: a comment for Terraform, a .gkecheck.toml entry
// for anything else.
function waiverElement(r) {
  const box = el('details', 'fix');
  box.append(el('summary', '', 'Accept this risk (waiver)'));
  const terraform = /^(module\.|google_container_)/.test(r.resource.address);
  const code = terraform
    ? `# gkecheck:ignore ${r.rule} WHY THIS RISK IS ACCEPTED until=YYYY-MM-DD`
    : `[[ignore]]\nrule = "${r.rule}"\nresource = "${r.resource.address}"\nreason = "WHY THIS RISK IS ACCEPTED"\nuntil = "YYYY-MM-DD"`;
  const title = terraform
    ? `Put this comment on the line above ${r.resource.address}, with the reason and an end date:`
    : 'Add this to .gkecheck.toml next to the input, with the reason and an end date:';
  box.append(stepElement({ title, code, language: terraform ? 'hcl' : 'toml', location: null }));
  return box;
}

function stepElement(step) {
  const item = el('li');
  item.append(el('div', '', step.title + (step.location ? ` (${place(step.location.input, step.location.line).replace(/^Line/, 'line')})` : '')));
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
    go.addEventListener('click', () => goto(step.location.input, step.location.offset, step.location.endOffset, step.location.line));
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
  const label = button.dataset.label ?? button.textContent;
  button.dataset.label = label;
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = label; }, 1500);
}

// Shows the named input and selects a range of it.
function goto(inputName, start, end, line) {
  const index = documents.findIndex((d) => d.name === inputName);
  if (index >= 0 && index !== current) show(index);
  select(start, end, line);
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
  setDocuments([{ name: 'input', text }], format);
}

function setDocuments(list, format) {
  documents = list.length ? list : [{ name: 'input', text: '' }];
  current = 0;
  formatSelect.value = format || 'auto';
  formatSelect.disabled = documents.length > 1;
  fileSelect.hidden = documents.length === 1;
  fileSelect.replaceChildren(...documents.map((d, i) => {
    const option = el('option', '', d.name);
    option.value = String(i);
    return option;
  }));
  show(0, false);
  scheduleCheck(0);
}

// Puts document `index` in the text area (keeping the edits of the one shown before).
function show(index, keep = true) {
  if (keep) documents[current].text = input.value;
  current = index;
  fileSelect.value = String(index);
  input.value = documents[index].text;
  input.scrollTop = 0;
  gutterLines = 0;
  updateGutter();
}

// The file menu says how each file fared.
function updateFileSelect(report) {
  if (documents.length === 1) return;
  documents.forEach((d, i) => {
    const results = report.results.filter((r) => r.location.input === d.name);
    const count = (status) => results.filter((r) => r.status === status).length;
    const input = report.inputs[i];
    const state = input?.error ? 'cannot be read'
      : count('fail') ? `${count('fail')} failing`
        : count('unknown') ? `${count('unknown')} unknown`
          : results.length ? 'passing' : 'no findings';
    fileSelect.options[i].textContent = `${d.name} (${state})`;
  });
}

// ---------------------------------------------------------------- opening files

const READ_EXTENSIONS = ['.json', '.yaml', '.yml', '.txt'];
const MARKERS = ['nodePools', 'node_pools', 'workloadMetadataConfig', 'planned_values', 'container.googleapis.com', 'currentMasterVersion', '"bindings"', '\nbindings:'];

// What a folder holds that gkecheck reads: the same choice as `gkecheck check DIR`.
function wanted(path, text) {
  const parts = path.split('/');
  if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return false;
  const name = parts[parts.length - 1].toLowerCase();
  if (name.endsWith('.tf') || name === 'terraform.tfvars' || name.endsWith('.auto.tfvars')) return true;
  return READ_EXTENSIONS.some((e) => name.endsWith(e)) && MARKERS.some((m) => text.includes(m));
}

// Reads files (nothing leaves the page). From a folder, only what gkecheck reads is kept.
async function openFiles(files, fromFolder) {
  const read = await Promise.all(files.map(async (f) => ({ name: f.path, text: await f.file.text() })));
  const kept = read.filter((d) => !fromFolder || wanted(d.name, d.text)).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (kept.length === 0) {
    statusLine.textContent = 'None of those files is something gkecheck reads (.tf, .tfvars, or gcloud output and plans in .json or .yaml).';
    return;
  }
  setDocuments(kept, 'auto');
}

// The files of a drop, walking into dropped folders.
async function droppedFiles(items) {
  const out = [];
  let folder = false;
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      folder = true;
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of items.map((i) => i.webkitGetAsEntry?.()).filter(Boolean)) await walk(entry, '');
  return { files: out, folder };
}

// The site's own files (examples, scenarios): the single-file page carries them; the site
// fetches them all while the page loads, so that nothing is requested afterwards.
const files = new Map();

function loadText(path) {
  if (!files.has(path)) {
    const inline = globalThis.GKECHECK_FILES?.[path];
    files.set(path, inline !== undefined ? Promise.resolve(inline) : fetch(path).then((response) => {
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      return response.text();
    }));
  }
  return files.get(path);
}

async function preload() {
  const examples = [...document.querySelectorAll('[data-example]')].flatMap((b) => b.dataset.example.split(' ').map(loadText));
  const index = JSON.parse(await loadText('scenarios/index.json'));
  await Promise.all([...examples, ...index.scenarios.map((f) => loadText(`scenarios/${f}`))]);
}

// An example is one file, or several (space-separated) pasted one after the other.
async function loadExample(paths, format) {
  const texts = await Promise.all(paths.split(' ').map(loadText));
  setInput(texts.join('\n'), format);
}

// ---------------------------------------------------------------- exercises

const PROGRESS_KEY = 'gkecheck.exercises.v1';
let exercise = null;

function progress() {
  try {
    return JSON.parse(localStorage.getItem(PROGRESS_KEY)) ?? {};
  } catch {
    return {};
  }
}

async function listExercises() {
  const index = JSON.parse(await loadText('scenarios/index.json'));
  const done = progress();
  const items = await Promise.all(index.scenarios.map(async (file) => {
    const json = await loadText(`scenarios/${file}`);
    const scenario = JSON.parse(json);
    const item = el('li');
    item.dataset.exercise = scenario.id;
    const button = el('button', '', scenario.title);
    button.type = 'button';
    button.addEventListener('click', () => startExercise(scenario, json));
    item.append(button, ` ${scenario.level ? `(${scenario.level})` : ''}`);
    if (done[scenario.id]) {
      item.dataset.done = 'true';
      item.append(el('strong', 'done', ' ✓ done'));
    }
    return item;
  }));
  $('exercise-list').replaceChildren(...items);
}

function startExercise(scenario, json) {
  exercise = { scenario, json, hints: [], shown: 0 };
  $('exercise-title').textContent = scenario.title;
  $('exercise-story').replaceChildren(inline(scenario.story));
  $('exercise-task').replaceChildren(inline(scenario.task));
  $('exercise-hints').replaceChildren();
  $('exercise-done').textContent = '';
  $('exercise-message').textContent = '';
  $('exercise').hidden = false;
  setInput(scenario.input, scenario.format || 'auto');
  input.focus();
}

function leaveExercise() {
  exercise = null;
  $('exercise').hidden = true;
}

// During an exercise, the results of the rules it is about: its `rules`, or the rules its goals
// name. The other rules' findings would bury the lesson.
function exerciseView(report) {
  const { scenario } = exercise;
  const named = scenario.rules?.length ? scenario.rules : scenario.goals.filter((g) => g.rule).map((g) => g.rule);
  if (!named.length) return report;
  const shown = new Set(named.map((r) => r.toUpperCase()));
  const results = report.results.filter((r) => shown.has(r.rule) || shown.has(r.name.toUpperCase()));
  const count = (status) => results.filter((r) => r.status === status).length;
  const summary = { ...report.summary, fail: count('fail'), pass: count('pass'), unknown: count('unknown'), suppressed: count('suppressed') };
  return { ...report, results, summary, hidden: report.results.length - results.length };
}

// Judges the text against the exercise's goals after each check.
async function updateExercise() {
  if (!exercise || documents.length !== 1) return;
  const state = JSON.parse(await call('exercise', exercise.json, documents[0].text));
  if (!exercise) return;
  exercise.hints = state.hints;
  $('exercise-goals').replaceChildren(...state.goals.map((goal) => {
    const item = el('li', '', `${goal.met ? 'Met' : 'Not yet'}: `);
    item.append(inline(goal.says));
    item.dataset.met = String(goal.met);
    return item;
  }));
  if (state.done) {
    $('exercise-done').textContent = 'Exercise complete: every goal is met.';
    const done = progress();
    if (!done[exercise.scenario.id]) {
      done[exercise.scenario.id] = new Date().toISOString();
      try {
        localStorage.setItem(PROGRESS_KEY, JSON.stringify(done));
      } catch { /* storage may be off: the exercise still counts for this visit */ }
      listExercises().catch(() => {});
    }
  } else {
    $('exercise-done').textContent = state.error ? `The text cannot be read yet (${state.error}).` : '';
  }
}

async function openScenarioFile(file) {
  const json = await file.text();
  const state = JSON.parse(await call('exercise', json, ''));
  if (state.scenarioError) {
    $('exercise-message').textContent = `${file.name} is not a gkecheck scenario: ${state.scenarioError}`;
    return;
  }
  startExercise(JSON.parse(json), json);
}

// ---------------------------------------------------------------- rules reference

// What each fix applicability means, as the rules reference and the fix dialog say it.
const APPLICABILITY = {
  safe: 'safe (applied by default)',
  unsafe: 'unsafe (applied only when you check it)',
  'display-only': 'display only (shown, never applied)',
};

// Each rule's titles, failing and passing, for the compact findings.
const TITLES = {};

// Where Escape takes the reader back to: the finding whose "Line N" or "About" they followed.
let returnTo = null;

async function listRules() {
  const rules = JSON.parse(await call('rulesJson'));
  for (const r of rules) TITLES[r.id] = [r.title, r.pass_title];
  $('rules-list').replaceChildren(...rules.map((r) => {
    const section = el('section', 'rule-doc');
    section.id = `rule-${r.id}`;
    const heading = el('h3', '', `${r.id} ${r.name} (${r.severity})`);
    heading.tabIndex = -1;
    section.append(heading, el('p', '', r.title), el('p', '', `Category: ${r.category}.`));
    if (r.cis.length) section.append(el('p', '', `CIS GKE Benchmark: ${r.cis.join(', ')}.`));
    if (r.peers.length) section.append(el('p', '', `The same check elsewhere: ${r.peers.join(', ')}.`));
    if (r.differs) {
      const p = el('p', '', 'Where gkecheck differs: ');
      p.append(inline(r.differs));
      section.append(p);
    }
    section.append(el('p', '', `Fix: ${APPLICABILITY[r.fix_applicability]}. ${r.fix_cost}`));
    for (const [label, text] of [['What it checks', r.what], ['Why it matters', r.why], ['How to fix', r.fix]]) {
      const p = el('p');
      p.append(el('strong', '', `${label}: `), inline(text));
      section.append(p);
    }
    return section;
  }));
}

// Opens the rules reference at one rule.
function showRule(id) {
  const reference = $('rules-reference');
  reference.open = true;
  const heading = document.querySelector(`#rule-${id} h3`);
  heading?.scrollIntoView({ block: 'start' });
  heading?.focus();
}

// ---------------------------------------------------------------- fixes

function currentInputs() {
  documents[current].text = input.value;
  const single = documents.length === 1;
  return documents.map((d) => ({ name: d.name, text: d.text, format: single ? formatSelect.value : 'auto' }));
}

function diffElement(diff) {
  const pre = el('pre', 'diff');
  pre.setAttribute('aria-label', 'Changes');
  for (const line of diff.split('\n')) {
    const kind = line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : '';
    pre.append(kind ? el('span', kind, `${line}\n`) : `${line}\n`);
  }
  return pre;
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name.split('/').pop() === 'input' ? 'main.tf' : name.split('/').pop();
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The fix dialog: every fix with a checkbox (safe ones checked; unsafe ones unchecked, with
// what they cost beside them; display-only ones listed without one), then what applying the
// checked ones writes. Fixes that need another are checked and unchecked together.
async function openFixes() {
  $('fix').dataset.opener = 'fix-button';
  const inputs = JSON.stringify(currentInputs());
  // Every fix that can be made: what the run with the unsafe fixes made, and what it left out.
  const plan = JSON.parse(await call('fixInputs', inputs, JSON.stringify({ unsafe: true })));
  const fixes = [...plan.applied, ...plan.left_out];
  const boxes = new Map();
  const summary = [];
  if (fixes.length) {
    const list = el('ul', 'fix-list fix-choices');
    for (const f of fixes) {
      const item = el('li');
      item.dataset.fix = f.id;
      if (f.applicability === 'display-only') {
        item.append(el('span', '', `${f.rule} ${f.address}: ${f.what}. `),
          el('span', 'warning', `Display only, never applied: ${f.consequence}`));
      } else {
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.value = f.id;
        box.checked = f.applicability === 'safe';
        boxes.set(f.id, { box, needs: f.needs ?? [] });
        const label = el('label');
        label.append(box, ` ${f.rule} ${f.address}: ${f.what}. `);
        item.append(label, el('span', f.applicability === 'unsafe' ? 'warning' : 'cost',
          `${f.applicability === 'unsafe' ? 'Unsafe' : 'Safe'}: ${f.consequence}`));
        if (f.needs?.length) item.append(el('span', 'needs', ` Comes with ${f.needs.join(', ')}.`));
      }
      list.append(item);
    }
    // Checking a fix checks what it needs; unchecking a fix unchecks what needs it.
    for (const [id, { box, needs }] of boxes) {
      box.addEventListener('change', () => {
        if (box.checked) for (const n of needs) { const b = boxes.get(n); if (b) b.box.checked = true; }
        else for (const [, other] of boxes) if (other.needs.includes(id)) other.box.checked = false;
      });
    }
    const apply = el('button', '', 'Apply the checked fixes');
    apply.type = 'button';
    apply.id = 'fix-apply';
    apply.addEventListener('click', () => applyChosen(inputs, [...boxes].filter(([, b]) => b.box.checked).map(([id]) => id))
      .catch((e) => { statusLine.textContent = `The fixes could not be made: ${e.message}`; }));
    summary.push(el('p', '', 'Safe fixes are checked; unsafe ones recreate nodes, replace a pool or can cut access, so check them only when you have planned for that:'), list, apply);
  }
  if (plan.skipped.length) {
    const list = el('ul', 'fix-list');
    for (const s of plan.skipped) list.append(el('li', '', `${s.rule} ${s.address}: ${s.reason}`));
    summary.push(el('p', '', 'Not fixed automatically:'), list);
  }
  if (!fixes.length && !plan.skipped.length) summary.push(el('p', '', 'Nothing to fix: no check fails.'));
  $('fix-summary').replaceChildren(...summary);
  $('fix-files').replaceChildren();
  $('fix').hidden = false;
  $('fix-heading').focus?.();
  const chosen = [...boxes].filter(([, b]) => b.box.checked).map(([id]) => id);
  if (chosen.length) await applyChosen(inputs, chosen);
}

// Applies the chosen fixes and shows the fixed Terraform beside a diff, with what each fix
// does and what it costs, and what was not made.
async function applyChosen(inputs, ids) {
  const report = JSON.parse(await call('fixInputs', inputs, JSON.stringify({ only: ids })));
  const parts = [];
  if (report.applied.length) {
    const list = el('ul', 'fix-list');
    for (const a of report.applied) {
      const item = el('li', '', `${a.rule} ${a.address}: ${a.what}. `);
      item.append(el('span', 'warning', a.consequence));
      list.append(item);
    }
    parts.push(el('p', '', `${report.applied.length} fix${report.applied.length === 1 ? '' : 'es'} applied, each checked again:`), list);
  } else {
    parts.push(el('p', '', 'No fix applied: check the ones to make.'));
  }
  const unmade = report.skipped.filter((s) => ids.includes(s.id));
  const blocked = report.left_out.filter((l) => ids.includes(l.id));
  if (unmade.length || blocked.length) {
    const list = el('ul', 'fix-list');
    for (const s of [...unmade, ...blocked]) list.append(el('li', '', `${s.rule} ${s.address}: ${s.reason}`));
    parts.push(el('p', '', 'Checked but not made:'), list);
  }
  $('fix-files').replaceChildren(...parts, ...report.files.map((f) => {
    const box = el('div', 'fix-file');
    box.dataset.file = f.name;
    const fixed = el('pre', 'fixed', f.text);
    fixed.setAttribute('aria-label', `Fixed ${f.name}`);
    const columns = el('div', 'fix-columns');
    columns.append(fixed, diffElement(f.diff));
    const copyButton = el('button', '', 'Copy fixed text');
    copyButton.type = 'button';
    copyButton.addEventListener('click', () => copy(f.text, copyButton));
    const downloadButton = el('button', '', 'Download');
    downloadButton.type = 'button';
    downloadButton.addEventListener('click', () => download(f.name, f.text));
    const use = el('button', '', 'Use in the editor');
    use.type = 'button';
    use.addEventListener('click', () => {
      const index = documents.findIndex((d) => d.name === f.name);
      if (index < 0) return;
      documents[index].text = f.text;
      show(index, false);
      $('fix').hidden = true;
      scheduleCheck(0);
    });
    box.append(el('h4', '', f.name), columns, copyButton, ' ', downloadButton, ' ', use);
    return box;
  }));
}

// Copies the gcloud fix commands, as one script, and shows them. Terraform alone has nothing
// to run with gcloud: the page says so and leaves the clipboard alone.
async function copyScript() {
  $('fix').dataset.opener = 'script-button';
  const script = await call('scriptFor', JSON.stringify(currentInputs()));
  if (script.startsWith('#!/usr/bin/env bash\n# gkecheck: nothing to fix with gcloud')) {
    $('fix-summary').replaceChildren(el('p', '', 'Nothing to run with gcloud: these inputs hold no failing gcloud output. For Terraform, use "Apply fix…" to change the configuration. The clipboard was left as it was.'));
    $('fix-files').replaceChildren();
    $('fix').hidden = false;
    $('fix-heading').focus?.();
    return;
  }
  $('fix-summary').replaceChildren(el('p', '', 'The gcloud commands for every failing check, in the order the remediation needs, as a script to review and run. Only safe steps run as written; every other one is commented out under its warning:'));
  const pre = el('pre', 'fixed', script);
  pre.id = 'script';
  $('fix-files').replaceChildren(pre);
  $('fix').hidden = false;
  await copy(script, $('script-button'));
}

// ---------------------------------------------------------------- links

// `#input=...` or `#z=...` (see links.js) fills the page and checks it.
function fromFragment() {
  const params = fragmentParams(location.hash);
  if (!params) return false;
  textFromParams(params).then((text) => setInput(text, params.get('format')), (error) => {
    setInput('', 'auto');
    statusLine.textContent = `The link could not be read (expected the base64url of UTF-8 text, compressed for #z=): ${error.message}`;
  });
  return true;
}

// Links longer than this are cut by some chat tools, mail clients and ticket systems.
const LONG_LINK = 2000;

// Makes a link that opens this page with the text in the editor: secrets removed first,
// then compressed into the fragment. Nothing is sent anywhere.
async function share() {
  documents[current].text = input.value;
  const doc = documents[current];
  const format = documents.length === 1 ? formatSelect.value : 'auto';
  const redacted = JSON.parse(await call('redact', doc.name, doc.text, format));
  const params = new URLSearchParams({ z: await packText(redacted.text) });
  if (format !== 'auto') params.set('format', format);
  const link = `${location.href.split('#')[0]}#${params}`;
  const removed = redacted.removed.map((r) => `${r.what} (line ${r.line})`);
  $('share-removed').textContent = (documents.length > 1 ? `The link holds ${doc.name} only. ` : '') +
    (removed.length ? `Removed before sharing: ${removed.join(', ')}.` : 'No secrets or credentials were found to remove.');
  $('share-link').value = link;
  $('share-warning').textContent = link.length > LONG_LINK
    ? `This link is ${link.length.toLocaleString('en')} characters long: some chat tools, mail clients and ticket systems cut links longer than about ${LONG_LINK.toLocaleString('en')}.`
    : '';
  $('share').hidden = false;
  $('share-link').focus();
  $('share-link').select();
}

// A paste larger than the engine reads is refused before it reaches the text area, which
// would take a long time to lay out tens of megabytes.
input.addEventListener('paste', (event) => {
  const text = event.clipboardData?.getData('text/plain') ?? '';
  const limit = maxInputBytes;
  if (text.length <= limit / 4) return;
  const bytes = new Blob([text]).size;
  if (bytes <= limit) return;
  event.preventDefault();
  const box = el('div', 'input-error');
  box.setAttribute('role', 'alert');
  box.textContent = `The pasted text was not inserted: it is ${(bytes / 1048576).toFixed(1)} MiB, and gkecheck reads at most ${limit / 1048576} MiB. ` +
    'Paste one cluster or one Terraform module at a time (a cluster\'s describe output is usually well under 1 MiB).';
  // A check still running for the earlier text must not cover this message.
  checkNumber += 1;
  notice.replaceChildren(box);
  statusLine.textContent = 'The pasted text is too large to check.';
});
input.addEventListener('input', () => {
  notice.replaceChildren();
  failedRequest = null;
  scheduleCheck();
});
input.addEventListener('scroll', () => { gutter.scrollTop = input.scrollTop; });
formatSelect.addEventListener('change', () => scheduleCheck(0));
$('fix-button').addEventListener('click', () => openFixes().catch((e) => { statusLine.textContent = `The fixes could not be made: ${e.message}`; }));
$('fix-close').addEventListener('click', () => { $('fix').hidden = true; $('fix-button').focus(); });
$('script-button').addEventListener('click', () => copyScript().catch((e) => { statusLine.textContent = `The commands could not be made: ${e.message}`; }));
$('share-button').addEventListener('click', () => share().catch((e) => { statusLine.textContent = `The link could not be made: ${e.message}`; }));
$('share-copy').addEventListener('click', () => copy($('share-link').value, $('share-copy')));
$('share-close').addEventListener('click', () => { $('share').hidden = true; $('share-button').focus(); });
fileSelect.addEventListener('change', () => show(Number(fileSelect.value)));
$('open-files').addEventListener('change', (event) => {
  const files = [...event.target.files].map((file) => ({ path: file.name, file }));
  openFiles(files, false).finally(() => { event.target.value = ''; });
});
$('open-folder').addEventListener('change', (event) => {
  const files = [...event.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  openFiles(files, true).finally(() => { event.target.value = ''; });
});
$('open-files-button').addEventListener('click', () => $('open-files').click());
$('open-folder-button').addEventListener('click', () => $('open-folder').click());
const editor = document.querySelector('.editor');
editor.addEventListener('dragover', (event) => {
  if ([...event.dataTransfer.types].includes('Files')) {
    event.preventDefault();
    editor.classList.add('dropping');
  }
});
editor.addEventListener('dragleave', () => editor.classList.remove('dropping'));
editor.addEventListener('drop', (event) => {
  if (![...event.dataTransfer.types].includes('Files')) return;
  event.preventDefault();
  editor.classList.remove('dropping');
  const plain = [...event.dataTransfer.files].map((file) => ({ path: file.name, file }));
  droppedFiles([...event.dataTransfer.items])
    // Without entries (some browsers, synthetic drops) the plain file list still works.
    .then(({ files, folder }) => (files.length ? openFiles(files, folder) : openFiles(plain, false)))
    .catch((e) => { statusLine.textContent = `The dropped files could not be read: ${e.message}`; });
});
$('clear').addEventListener('click', () => { setInput('', 'auto'); input.focus(); });
$('exercises-button').addEventListener('click', () => {
  const panel = $('exercises');
  panel.hidden = !panel.hidden;
  $('exercises-button').setAttribute('aria-expanded', String(!panel.hidden));
  if (!panel.hidden) {
    listExercises().catch((e) => { $('exercise-message').textContent = `The exercises could not be loaded: ${e.message}`; });
  }
});
$('exercise-open').addEventListener('click', () => $('exercise-file').click());
$('exercise-file').addEventListener('change', (event) => {
  const [file] = event.target.files;
  if (file) openScenarioFile(file).catch((e) => { $('exercise-message').textContent = e.message; }).finally(() => { event.target.value = ''; });
});
$('exercise-hint').addEventListener('click', () => {
  if (!exercise) return;
  if (exercise.shown >= exercise.hints.length) {
    $('exercise-done').textContent = 'No more hints: the rules\' docs say the rest.';
    return;
  }
  const hint = el('li');
  hint.append(inline(exercise.hints[exercise.shown]));
  $('exercise-hints').append(hint);
  exercise.shown += 1;
});
$('exercise-reset').addEventListener('click', () => exercise && startExercise(exercise.scenario, exercise.json));
$('exercise-leave').addEventListener('click', leaveExercise);
for (const button of document.querySelectorAll('[data-example]')) {
  button.addEventListener('click', () => loadExample(button.dataset.example, button.dataset.format)
    .catch((e) => { statusLine.textContent = `The example could not be loaded: ${e.message}`; }));
}
window.addEventListener('hashchange', fromFragment);

// For pages and tests that drive the checker directly.
window.gkecheck = {
  /** Resolves to the report for one text (`format`: auto, gcloud-json, terraform, ...). */
  check: (text, format = 'auto') => call('checkInputs', JSON.stringify([{ name: 'input', text, format }])).then(JSON.parse),
  rules: () => call('rulesJson').then(JSON.parse),
  // Makes the engine panic, to show that the page recovers: resolves to true when it did.
  selfTestPanic: () => call('panicTest').then(() => false, (error) => {
    showInternalError(error);
    failedRequest = null;
    scheduleCheck(0);
    return true;
  }),
};

// Copy-ready embed snippets, with this site's own address.
{
  const base = location.protocol.startsWith('http') ? new URL('.', location.href).href : 'https://YOUR-HOST/';
  $('snippet-module').textContent = `<script type="module" src="${base}embed.js"></script>

<gke-check rules="GKE001,GKE002">
  <template>
    {"name": "prod", "nodePools": [{"name": "apps", "config": {}}]}
  </template>
</gke-check>`;
  $('snippet-iframe').textContent = `<iframe title="gkecheck" width="100%" height="360"
  src="${base}embed.html#input=BASE64URL_OF_THE_TEXT&rules=GKE001&readonly"></iframe>`;
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => copy($(button.dataset.copy).textContent, button));
  }
}

// After one visit the page works offline (not from disk, where there is nothing to cache).
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}

Promise.all([call('maxInputBytes'), preload().catch(() => {}), listRules()]).then(([limit]) => {
  maxInputBytes = limit;
  ready = true;
  document.documentElement.dataset.ready = '';
  if (!fromFragment()) {
    if (input.value.trim() === '') {
      loadExample(DEFAULT_EXAMPLE, 'auto').catch((e) => { statusLine.textContent = `The example could not be loaded: ${e.message}`; });
    } else {
      scheduleCheck(0);
    }
  }
}, (error) => {
  statusLine.textContent = startFailure(error) ?? `The checker could not be loaded: ${error.message}`;
});

// Escape closes the open panel (fixes, share) and returns to what opened it; in the editor or
// the rules reference, it returns to the finding the reader came from.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  for (const [panel, opener] of [['fix', 'fix-button'], ['share', 'share-button']]) {
    if (!$(panel).hidden) {
      $(panel).hidden = true;
      $($(panel).dataset.opener || opener).focus();
      event.preventDefault();
      return;
    }
  }
  if (returnTo && returnTo.isConnected) {
    const back = returnTo;
    returnTo = null;
    back.focus();
    back.closest('.result')?.scrollIntoView({ block: 'nearest' });
    event.preventDefault();
  }
});
