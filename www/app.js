import { call, check, EngineError, engineTime, engineWarm, startFailure } from './engine-client.js';
import { PAGE_CHECK } from './engines.js';
import { $, afterPaint, copy, el } from './dom.js';
import { docs, editorHooks, goto, input, keepEdits, currentInputs, place, replaceText, deferText, showDeferred, DEFERRED_TEXT, LARGE_TEXT, shownLength, updateFileSelect, updateGutter } from './editor.js';
import { exerciseActive, exerciseView, updateExercise } from './exercises.js';
import { fromFragment } from './share.js';
import { loadExample, preload } from './files.js';
import { clearResults, countsText, filterResults, renderHeadline, renderResults } from './report-view.js';
import { listRules, showRule } from './rules-reference.js';
import { setUpPolicy } from './policy.js';
import './fix-dialog.js';

// The gkecheck page: runs the checker (Rust compiled to WebAssembly) on what is pasted, and
// renders the same report the command line prints as JSON. Nothing leaves the page. This
// module checks and renders; the editor, files, exercises, links, the rules reference and the
// fix dialog each have their own module, and the report view is the embeds' one too.

const statusLine = $('status');
const resultsBox = $('results');
const errorsBox = $('errors');
const detected = $('detected');
const notice = $('notice');

const FORMAT_NAMES = {
  'gcloud-json': 'gcloud JSON', 'gcloud-yaml': 'gcloud YAML', terminal: 'terminal paste',
  terraform: 'Terraform', 'terraform-plan': 'Terraform plan', unknown: 'not recognised',
};
const DEFAULT_EXAMPLE = 'examples/vulnerable-cluster.json';

let timer = 0;
let ready = false;
let maxInputBytes = 32 * 1024 * 1024;
// Each check has a number; a result that arrives after a newer check started is dropped.
let checkNumber = 0;
// The request (inputs and passing) that last made the engine fail, so that the same text is
// not retried forever.
let failedRequest = null;

/** Whether two requests hold the same inputs, each with the same name, text and format. */
function sameRequest(a, b) {
  return a !== null && b !== null && a.passing === b.passing && a.inputs.length === b.inputs.length &&
    a.inputs.every((x, i) => x.name === b.inputs[i].name && x.text === b.inputs[i].text && x.format === b.inputs[i].format);
}
// Where Escape takes the reader back to: the finding whose "Line N" or "About" they followed.
let returnTo = null;

// ---------------------------------------------------------------- the engine

function showInternalError(error) {
  const box = el('div', 'internal-error');
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
  timer = setTimeout(runCheck, delay ?? (shownLength() > 1_000_000 ? 400 : 120));
}
editorHooks.changed = () => scheduleCheck(0);

function megabytes(n) {
  return `${(n / 1048576).toFixed(1)} MB`;
}

// The check is sent first, and the line numbers drawn after: the engine checks while this
// thread lays out the text (a pasted 100 KB takes the browser 100 ms or more to lay out).
// sendCheck runs up to the engine's call before it returns.
function runCheck() {
  const checking = sendCheck();
  updateGutter();
  return checking;
}

async function sendCheck() {
  if (!ready) return;
  keepEdits();
  const number = ++checkNumber;
  if (docs.list.every((d) => d.text.trim() === '')) {
    errorsBox.replaceChildren();
    clearResults(resultsBox);
    $('headline').replaceChildren();
    $('headline').hidden = true;
    detected.textContent = '';
    statusLine.textContent = 'Paste a cluster, a node pool or Terraform to check it.';
    delete resultsBox.dataset.checkMs;
    delete resultsBox.dataset.engineMs;
    return;
  }
  const inputs = currentInputs();
  // While passing results are hidden, the engine only counts them: a smaller report, sooner.
  const passing = passingShown() ? 'listed' : 'counted';
  // Sent as objects: the engine's caller makes them JSON text in the worker, off this thread.
  const request = { inputs, passing };
  if (sameRequest(request, failedRequest)) return;
  const started = performance.now();
  // A large input takes a moment: the status line says what is happening meanwhile.
  const size = inputs.reduce((n, i) => n + i.text.length, 0);
  const progress = setInterval(() => {
    if (number === checkNumber) {
      statusLine.textContent = `Checking ${megabytes(size)}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
    }
  }, 250);
  try {
    // The page's own check (PAGE_CHECK, which the worker's warm-up and the bench make too):
    // each finding's remediation is asked for when it is opened (remediationOf), as most of a
    // report is remediation and most is never opened.
    const report = await check(inputs, { ...PAGE_CHECK, passing });
    if (number !== checkNumber) return;
    failedRequest = null;
    checkedInputs = inputs;
    render(exerciseView(report), performance.now() - started, engineTime(report));
    // A deferred paste goes in the text area once the results are on screen (afterPaint).
    afterPaint([$('headline').firstElementChild, resultsBox.querySelector('.result')], () => setTimeout(showDeferred, 0));
    // The reader asked for the passing results while this check ran: check again with them.
    if (!report.passing_listed && passingShown()) scheduleCheck(0);
    await updateExercise();
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    showInternalError(error);
    // Once more with a fresh engine; the same text is not retried after that.
    if (!sameRequest(request, failedRequest)) {
      failedRequest = request;
      scheduleCheck(0);
    }
  } finally {
    clearInterval(progress);
  }
}

// ---------------------------------------------------------------- rendering

// Whether the page needs the passing results listed: when it shows them, when a filter
// counts them per cluster, in an exercise (which counts them itself), and for several files
// (the file menu says which pass).
function passingShown() {
  return !$('hide-passing').checked || exerciseActive() || docs.list.length > 1 ||
    ['filter-status', 'filter-severity', 'filter-rule'].some((id) => $(id).value !== '');
}

// The last report shown, to lay out again when the reader changes what is shown; a report
// that only counts passing results is asked for again when they are to be shown.
let lastRender = null;
for (const id of ['hide-passing', 'filter-status', 'filter-severity', 'filter-rule']) {
  $(id).addEventListener('change', () => {
    if (!lastRender) return;
    render(...lastRender);
    if (!lastRender[0].passing_listed && passingShown()) scheduleCheck(0);
  });
}

// The inputs of the report shown, for its findings' remediation.
let checkedInputs = [];

/**
 * A finding's remediation, from a check of the same inputs by its rule alone (the same
 * findings, with their remediation), or null when the finding is not there.
 */
async function remediationOf(finding) {
  const report = await check(checkedInputs, { passing: 'counted', rules: [finding.rule] });
  const same = report.results.find((r) => r.status === finding.status && r.resource.address === finding.resource.address &&
    r.location.input === finding.location.input && r.location.offset === finding.location.offset && r.message === finding.message);
  return same?.remediation ?? null;
}

// How the page's findings link back: "Line N" selects the place in the editor and "About"
// opens the rules reference; Escape returns to the finding.
const HOST = {
  place,
  goto: (location, from) => {
    returnTo = from;
    goto(location);
  },
  about: (rule, from) => {
    returnTo = from;
    showRule(rule);
  },
  remediation: remediationOf,
  waivers: true,
};

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

function render(report, ms, engineMs) {
  lastRender = [report, ms, engineMs];
  const source = report.inputs[docs.current] ?? report.inputs[0];
  detected.textContent = source ? `Detected: ${FORMAT_NAMES[source.format] ?? source.format}` : '';
  updateFileSelect(report);

  const message = (i, m, className) => {
    const box = el('div', className);
    if (className === 'input-error') box.setAttribute('role', 'alert');
    const where = className === 'input-error' ? `${place(i.name, m.line)}, column ${m.column}: ` : `${place(i.name, m.line)}: `;
    box.append(el('strong', '', where), el('span', '', m.message), ' ');
    const show = el('button', 'goto', 'Show in input');
    show.type = 'button';
    show.addEventListener('click', () => goto({ input: i.name, offset: m.offset, endOffset: m.offset + 1, line: m.line }));
    box.append(show);
    return box;
  };
  const errors = report.inputs.filter((i) => i.error).map((i) => message(i, i.error, 'input-error'));
  const notes = report.inputs.flatMap((i) => i.notes.map((n) => message(i, n, 'input-note')));
  errorsBox.replaceChildren(...errors, ...notes);

  renderHeadline($('headline'), report, { results: resultsBox });

  // Filters by status, severity (this one or worse) and rule.
  updateRuleFilter(report);
  const rule = $('filter-rule').value;
  const shown = filterResults(report.results, {
    status: $('filter-status').value,
    severity: $('filter-severity').value,
    rules: rule ? [rule] : [],
  });
  renderResults(resultsBox, shown, {
    ...HOST,
    hidePassing: $('hide-passing').checked,
    passing: report.passing_listed ? undefined : report.headline,
  });
  resultsBox.dataset.checkMs = ms.toFixed(1);
  // The engine's own share of that (the bench reads both).
  if (engineMs === undefined) delete resultsBox.dataset.engineMs;
  else resultsBox.dataset.engineMs = engineMs.toFixed(1);
  // For tests and embedders: whether this report lists its passing results.
  resultsBox.dataset.passing = report.passing_listed ? 'listed' : 'counted';

  const parts = [countsText(report.summary)];
  if (report.summary.errors) parts.push('the input could not be read');
  if (report.hidden) parts.push(`${report.hidden} results of rules outside this exercise not shown`);
  statusLine.textContent = `${parts.join(', ')}. Checked locally in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`;
}

// ---------------------------------------------------------------- typing and pasting

// A paste larger than the engine reads is refused before it reaches the text area, which
// would take a long time to lay out tens of megabytes; one over LARGE_TEXT characters goes to
// the read-only viewer instead of the text area (a paste into the viewer replaces its text);
// one over DEFERRED_TEXT goes in the text area once its results are drawn.
function pasted(event) {
  const text = event.clipboardData?.getData('text/plain') ?? '';
  const limit = maxInputBytes;
  const bytes = text.length > limit / 4 ? new Blob([text]).size : text.length;
  if (bytes > limit) {
    event.preventDefault();
    const box = el('div', 'input-error');
    box.setAttribute('role', 'alert');
    box.textContent = `The pasted text was not inserted: it is ${(bytes / 1048576).toFixed(1)} MiB, and gkecheck reads at most ${limit / 1048576} MiB. ` +
      'Paste one cluster or one Terraform module at a time (a cluster\'s describe output is usually well under 1 MiB).';
    // A check still running for the earlier text must not cover this message.
    checkNumber += 1;
    notice.replaceChildren(box);
    statusLine.textContent = 'The pasted text is too large to check.';
    return;
  }
  const intoTextArea = event.currentTarget === input;
  if (intoTextArea && text.length <= DEFERRED_TEXT) return;
  event.preventDefault();
  // The text area's line ends, as the browser's paste makes them.
  const plain = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  if (intoTextArea) showDeferred();
  const before = intoTextArea ? input.value.slice(0, input.selectionStart) : '';
  const whole = intoTextArea ? before + plain + input.value.slice(input.selectionEnd) : plain;
  if (intoTextArea && whole.length <= LARGE_TEXT) deferText(whole, before.length + plain.length);
  else replaceText(whole);
  notice.replaceChildren();
  failedRequest = null;
  // Sent now, not in a task of its own: a frame could be drawn before that task.
  clearTimeout(timer);
  runCheck();
}
input.addEventListener('paste', pasted);
$('viewer').addEventListener('paste', pasted);
// Typing is checked after a pause in it; a paste or a drop is a whole change, checked at once:
// sent in the event's own task, since a task of its own came after the frame that lays out
// the pasted text (a paste of 7 KB was sent 20 to 30 ms late, on two cores).
const WHOLE_CHANGES = ['insertFromPaste', 'insertFromDrop'];
input.addEventListener('input', (event) => {
  notice.replaceChildren();
  failedRequest = null;
  if (WHOLE_CHANGES.includes(event.inputType)) {
    clearTimeout(timer);
    runCheck();
  } else {
    scheduleCheck();
  }
});
$('format').addEventListener('change', () => scheduleCheck(0));

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

// ---------------------------------------------------------------- starting

// For pages and tests that drive the checker directly.
window.gkecheck = {
  /** Resolves to the report for one text (`format`: auto, gcloud-json, terraform, ...). */
  check: (text, format = 'auto') => check([{ name: 'input', text, format }]),
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
  for (const b of document.querySelectorAll('[data-copy]')) {
    b.addEventListener('click', () => copy($(b.dataset.copy).textContent, b));
  }
}

setUpPolicy();

// After one visit the page works offline (not from disk, where there is nothing to cache).
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}

Promise.all([call('maxInputBytes'), preload().catch(() => {}), listRules()]).then(([limit]) => {
  maxInputBytes = limit;
  ready = true;
  document.documentElement.dataset.ready = '';
  engineWarm.then(() => {
    document.documentElement.dataset.warm = '';
  });
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
