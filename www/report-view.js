import { call } from './engine-client.js';
import { afterPaint, button, copy, el } from './dom.js';

// The report view: the one piece of code that renders a gkecheck report, for the page and for
// every <gke-check> embed. It draws the headline (the workload-metadata answer first), then the
// findings in the engine's ranking (failing, unknown, suppressed, passing; worst severity first),
// grouped by cluster. Each finding is compact (status, rule, title, severity, resource, place)
// with its fix one click away. The host says how to name a place, what "Line N" and "About"
// do, and whether waivers are offered.

export const STATUS_WORDS = { fail: 'FAIL', pass: 'PASS', unknown: 'UNKNOWN', suppressed: 'SUPPRESSED' };
export const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };

// Each rule's titles, failing and passing, from the engine's rule list (loaded once).
const TITLES = new Map();
let rulesLoaded = null;

/** Resolves to the engine's rule list, and fills the titles the findings use. */
export function loadRules() {
  rulesLoaded ??= call('rulesJson').then((json) => {
    const rules = JSON.parse(json);
    for (const r of rules) TITLES.set(r.id, [r.title, r.pass_title]);
    return rules;
  }, (error) => {
    rulesLoaded = null;
    throw error;
  });
  return rulesLoaded;
}

/** The title of a result: the rule's failing title, or its passing one for a pass. */
export function titleOf(r) {
  return TITLES.get(r.rule)?.[r.status === 'pass' ? 1 : 0] ?? r.name;
}

function kindOf(r) {
  return r.resource.kind === 'cluster' ? 'cluster' : 'node pool';
}

/**
 * The results a reader asked for: `status` (one status or all), `severity` (this one or
 * worse), `rules` (ids or names; all when empty). The ranking is kept.
 */
export function filterResults(results, { status = '', severity = '', rules = [] } = {}) {
  const worst = SEVERITY_RANK[severity];
  const wanted = new Set(rules.map((r) => r.toUpperCase()));
  return results.filter((r) => (!status || r.status === status)
    && (worst === undefined || SEVERITY_RANK[r.severity] <= worst)
    && (!wanted.size || wanted.has(r.rule) || wanted.has(r.name.toUpperCase())));
}

/** Counts of results by status: {fail, pass, unknown, suppressed}. */
export function countStatuses(results) {
  const counts = { fail: 0, pass: 0, unknown: 0, suppressed: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** "2 failing, 5 passing, 1 unknown" for counts of results by status. */
export function countsText(counts) {
  const parts = [`${counts.fail} failing`, `${counts.pass} passing`];
  if (counts.unknown) parts.push(`${counts.unknown} unknown`);
  if (counts.suppressed) parts.push(`${counts.suppressed} suppressed`);
  return parts.join(', ');
}

/**
 * The answer first: per cluster, how many node pools run the GKE metadata server and which
 * expose the node's token, then the failures by severity and the worst finding, one click
 * from its place in `results` (the element the findings are rendered into). Hooks for tests
 * and embedders: data-pools-total and data-pools-exposed, summed over the clusters.
 */
export function renderHeadline(box, report, { results, shown = report.results } = {}) {
  const lines = report.headline ?? [];
  box.dataset.poolsTotal = String(lines.reduce((n, h) => n + h.pools_total, 0));
  box.dataset.poolsExposed = String(lines.reduce((n, h) => n + h.pools_exposed.length, 0));
  const stateOf = (h) => (h.pools_exposed.length ? 'exposed' : h.pools_unknown.length ? 'unknown' : 'protected');
  const answer = (h) => {
    const p = el('p', `answer ${stateOf(h)}`, h.text);
    if (h.cluster) p.dataset.cluster = h.cluster;
    return p;
  };
  let items;
  if (lines.length <= HEADLINE_CLUSTERS) {
    items = lines.map(answer);
  } else {
    // Many clusters (a project's or an organization's list): their sum first, then the
    // clusters that expose the token, those unknown and those protected, a few at once and
    // the rest on request (a line each for a thousand clusters took 75 ms to lay out).
    items = [manyClusters(lines, (report.inputs ?? []).some((i) => i.error))];
    const ranked = ['exposed', 'unknown', 'protected'].flatMap((state) => lines.filter((h) => stateOf(h) === state));
    items.push(...ranked.slice(0, HEADLINE_CLUSTERS).map(answer));
    const rest = ranked.slice(HEADLINE_CLUSTERS);
    const more = button('show-more headline-more', `Show the other ${rest.length} clusters' answers`, () => {
      more.replaceWith(...rest.map(answer));
    });
    items.push(more);
  }
  const failing = shown.filter((r) => r.status === 'fail');
  if (failing.length) {
    const by = Object.fromEntries(Object.keys(SEVERITY_RANK).map((s) => [s, 0]));
    for (const r of failing) by[r.severity] += 1;
    const words = Object.entries(by).filter(([, n]) => n).map(([w, n]) => `${n} ${w}`);
    items.push(el('p', 'severity-counts', `Failing: ${words.join(', ')}.`));
    // The results are ranked: the first failure is the worst.
    const worst = failing[0];
    const p = el('p', 'worst');
    p.append(button('goto-worst', `Worst finding: ${worst.rule} (${worst.severity}), ${kindOf(worst)} ${worst.resource.name}`, () => {
      const target = results?.querySelector(`.result[data-rule="${worst.rule}"][data-status="fail"]`);
      target?.scrollIntoView({ block: 'start' });
      target?.querySelector('button')?.focus();
    }), ` ${titleOf(worst)}`);
    items.push(p);
  }
  box.replaceChildren(...items);
  box.hidden = items.length === 0;
}

// The most clusters whose answers the headline gives at once (each its own line).
const HEADLINE_CLUSTERS = 5;

/** 1,234,567: a count in thousands (toLocaleString's first call takes 30 ms, loading locale data). */
function grouped(n) {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * The workload-metadata answer summed over many clusters' headlines. `stopped`: an input
 * stopped at an error, so pools may be in what was not read (as the engine's headlines say).
 */
function manyClusters(lines, stopped) {
  const sum = (f) => lines.reduce((n, h) => n + f(h), 0);
  const clusters = (f) => lines.filter((h) => f(h) > 0).length;
  const count = (n, one) => `${grouped(n)} ${n === 1 ? one : `${one}s`}`;
  const total = sum((h) => h.pools_total);
  const exposed = sum((h) => h.pools_exposed.length);
  const unknown = sum((h) => h.pools_unknown.length);
  const autopilot = lines.filter((h) => h.autopilot).length;
  const parts = [];
  if (total) parts.push(`${grouped(sum((h) => h.pools_protected))} of ${count(total, 'node pool')} ${total === 1 ? 'runs' : 'run'} the GKE metadata server`);
  if (autopilot) parts.push(`${count(autopilot, 'Autopilot cluster')} ${autopilot === 1 ? 'runs' : 'run'} ${total ? 'it' : 'the GKE metadata server'} on every node`);
  if (!total && !autopilot) parts.push(stopped ? 'no node pool read (an input stopped at an error)' : 'no node pool in the input');
  if (exposed) parts.push(`${grouped(exposed)} ${exposed === 1 ? 'exposes' : 'expose'} the node's token, in ${count(clusters((h) => h.pools_exposed.length), 'cluster')}`);
  if (unknown) parts.push(`${grouped(unknown)} unknown, in ${count(clusters((h) => h.pools_unknown.length), 'cluster')}`);
  const state = exposed ? 'exposed' : unknown ? 'unknown' : 'protected';
  return el('p', `answer ${state} answer-sum`, `Workload metadata, ${count(lines.length, 'cluster')}: ${parts.join('; ')}.`);
}

/**
 * Renders findings into `box`, grouped by cluster, in the order given (the engine's ranking).
 * `host` says how the findings link back:
 *   place(input, line)  the words for a place ("Line 3", "main.tf, line 3")
 *   goto(location)      selects a place in the input; no "Line N" button without it
 *   about(rule, from)   opens the rule's documentation; no "About" button without it
 *   remediation(r)      resolves to a finding's remediation, for a report made with
 *                       remediation on request (the fix is asked for when first opened)
 *   waivers             offer "Accept this risk" on failures
 *   hidePassing         leave passing results out, saying how many
 *   passing             when `results` does not list passing results (a report with
 *                       passing_listed false), its headline: each cluster's passing count,
 *                       and every cluster, shown even when nothing of it fails
 *   limit               lay out at most this many findings (worst first), the rest on request,
 *                       group by group
 * The first FIRST_LAID_OUT findings are laid out at once, the rest in tasks of a few
 * milliseconds each once the first are on screen, so that the worst are on screen sooner and
 * typing is never blocked for long; `box` has the attribute data-laying-out until the last is
 * in. A later call for the same box stops what is left of an earlier one.
 */
export function renderResults(box, results, host) {
  const groups = new Map();
  // Passing results only counted: each cluster's count from its headline.
  const counted = new Map();
  for (const h of host.passing ?? []) {
    const key = h.cluster ?? '';
    counted.set(key, (counted.get(key) ?? 0) + h.passing);
    if (!groups.has(key)) groups.set(key, []);
  }
  for (const r of results) {
    const key = r.resource.kind === 'cluster' ? r.resource.name : (r.resource.cluster ?? '');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  // Each step appends one thing, in the order the findings are shown. Laid out at all: the
  // worst findings, up to the limit; each group offers the rest. A large input gives tens of
  // thousands of findings, and laying them all out blocks the page.
  const steps = [];
  let budget = host.limit ?? 400;
  for (let [cluster, list] of groups) {
    // Each group's elements are made in its first step: a list of a thousand clusters would
    // otherwise make them all before the first is shown.
    let section = null;
    const worst = list.some((r) => r.status === 'fail') ? 'failing' : list.some((r) => r.status === 'unknown') ? 'unknown' : 'passing';
    let passing = 0;
    if (host.hidePassing) {
      passing = counted.get(cluster) ?? list.filter((r) => r.status === 'pass').length;
      list = list.filter((r) => r.status !== 'pass');
    }
    const limit = Math.max(budget, 0);
    budget -= Math.min(list.length, limit);
    steps.push({ run: () => {
      section = el('section', 'cluster-group');
      section.dataset.cluster = cluster;
      section.append(el('h3', '', cluster ? `Cluster ${cluster} (${worst})` : `Node pools whose cluster is not in the input (${worst})`));
      if (passing) section.append(el('p', 'hidden-passing', `${passing} passing not shown.`));
      box.append(section);
    } });
    for (const r of list.slice(0, limit)) {
      steps.push({ finding: true, run: () => {
        const item = resultElement(r, host);
        section.append(item);
        return item;
      } });
    }
    if (list.length > limit) {
      const rest = list.slice(limit);
      steps.push({ run: () => {
        const more = button('show-more', `Show ${rest.length} more results`, () => {
          more.replaceWith(...rest.map((r) => resultElement(r, host)));
        });
        section.append(more);
      } });
    }
  }
  box.replaceChildren();
  const run = {};
  layingOut.set(box, run);
  box.dataset.layingOut = '';
  let next = 0;
  const finished = () => {
    if (next < steps.length) return false;
    layingOut.delete(box);
    delete box.dataset.layingOut;
    return true;
  };
  // At once: the steps up to the FIRST_LAID_OUT-th finding. These are in view: laid out as
  // they are (class at-once), not skipped until the browser finds them in view
  // (content-visibility: auto, which the later findings have), which took the results'
  // frame a second style and layout pass.
  for (let found = 0; next < steps.length && found < FIRST_LAID_OUT; next += 1) {
    const made = steps[next].run();
    if (steps[next].finding) {
      made.classList.add('at-once');
      found += 1;
    }
  }
  const rest = () => {
    if (layingOut.get(box) !== run) return;
    const until = performance.now() + SLICE_MS;
    while (next < steps.length && performance.now() < until) {
      steps[next].run();
      next += 1;
    }
    if (!finished()) setTimeout(rest, 0);
  };
  if (finished()) return;
  // The rest once the first findings are on screen (afterPaint: when the browser says they
  // are, else from the start of the frame after the one that paints them; after 250 ms at
  // the latest). Laid out at once, the rest's tasks ran before that frame or beside its
  // painting, on a machine of two cores: the first findings of a 140 KB paste were painted a
  // median of 57 to 64 ms after the paste, 47 to 49 ms after the next frame's start (the
  // browser's Element Timing, eleven pages each).
  afterPaint([box.querySelector('.result') ?? box], () => setTimeout(rest, 0));
}

// How many findings are laid out at once (what the results panel shows below the headline: one
// to three in a window 720 pixels high), and how long each later task lays out more: 400
// findings took 30 ms of script and as long again of layout at once. Three where there were
// eight: a 100 KB paste's findings on screen a median of 6 ms sooner (25 pages of each, in
// turns, two cores), the rest a frame later.
const FIRST_LAID_OUT = 3;
const SLICE_MS = 6;
// The run of renderResults each box is laying out, if any.
const layingOut = new WeakMap();

/** Empties a box of findings, stopping what renderResults had left to lay out in it. */
export function clearResults(box) {
  layingOut.delete(box);
  delete box.dataset.layingOut;
  box.replaceChildren();
}

/** One finding: compact, with its fix (and a waiver, where offered) one click away. */
export function resultElement(r, host) {
  const item = el('article', 'result');
  item.dataset.rule = r.rule;
  item.dataset.status = r.status;
  item.dataset.name = r.resource.name;
  item.dataset.input = r.location.input;
  const head = el('div', 'result-head');
  head.append(
    el('span', 'badge', STATUS_WORDS[r.status]),
    el('span', 'rule', r.rule),
    el('span', 'title', titleOf(r)),
    el('span', 'severity', r.severity),
    el('span', 'resource', `${kindOf(r)} ${r.resource.name}`),
  );
  const where = host.place(r.location.input, r.location.line);
  if (host.goto) {
    const show = button('goto', where, () => host.goto(r.location, show));
    show.title = 'Select the place in the input';
    show.setAttribute('aria-label', `Show ${r.resource.name} at ${where} in the input`);
    head.append(show);
  } else {
    head.append(el('span', 'where', where));
  }
  if (host.about) {
    const about = button('about', `About ${r.rule}`, () => host.about(r.rule, about));
    head.append(about);
  }
  item.append(head, el('p', 'message', r.message));
  if (r.suppression) {
    const w = r.suppression;
    item.append(el('p', 'waived', `Waived by ${w.source}${w.until ? ` until ${w.until}` : ''}: ${w.reason}`));
  }
  if ((r.remediation || r.remediation_on_request) && r.status !== 'suppressed') {
    item.append(fixElement(r, host));
    if (host.waivers) item.append(waiverElement(r, host));
  }
  return item;
}

// A finding's fix is laid out when it is first opened: most are never opened, and a page of
// thousands of findings should not build thousands of fixes.
function lazy(box, fill) {
  box.addEventListener('toggle', () => {
    if (box.open && !box.dataset.filled) {
      box.dataset.filled = '';
      fill();
    }
  });
  return box;
}

// A finding of a report made with remediation on request has none in it: the host's
// remediation(finding) resolves to it when the fix is first opened.
function fixElement(r, host) {
  const box = el('details', 'fix');
  box.append(el('summary', '', 'How to fix'));
  return lazy(box, () => {
    if (r.remediation) {
      fillFix(box, r.remediation, host);
      return;
    }
    box.querySelector('.fix-waiting')?.remove();
    const waiting = el('p', 'fix-waiting', 'Preparing the fix…');
    box.append(waiting);
    Promise.resolve(host.remediation?.(r)).then((fix) => {
      if (!fix) throw new Error('the input changed since it was checked');
      waiting.remove();
      r.remediation = fix;
      fillFix(box, fix, host);
    }).catch((error) => {
      waiting.textContent = `The fix could not be made (${error?.message ?? error}): close and open it again.`;
      delete box.dataset.filled;
    });
  });
}

function fillFix(box, fix, host) {
  box.append(el('p', '', fix.summary));
  const steps = el('ol');
  for (const step of fix.steps) steps.append(stepElement(step, host));
  box.append(steps);
  if (fix.warnings.length) {
    const list = el('ul');
    for (const w of fix.warnings) list.append(el('li', 'warning', `Warning: ${w}`));
    box.append(list);
  }
  if (fix.verify.length) {
    box.append(el('h4', '', 'Verify'));
    const list = el('ul');
    for (const step of fix.verify) list.append(stepElement(step, host));
    box.append(list);
  }
}

// How to accept this risk on the record: a comment for Terraform, a .gkecheck.toml entry
// for anything else.
function waiverElement(r, host) {
  const box = el('details', 'fix');
  box.append(el('summary', '', 'Accept this risk (waiver)'));
  return lazy(box, () => fillWaiver(box, r, host));
}

function fillWaiver(box, r, host) {
  const terraform = /^(module\.|google_container_)/.test(r.resource.address);
  const code = terraform
    ? `# gkecheck:ignore ${r.rule} WHY THIS RISK IS ACCEPTED until=YYYY-MM-DD`
    : `[[ignore]]\nrule = "${r.rule}"\nresource = "${r.resource.address}"\nreason = "WHY THIS RISK IS ACCEPTED"\nuntil = "YYYY-MM-DD"`;
  const title = terraform
    ? `Put this comment on the line above ${r.resource.address}, with the reason and an end date:`
    : 'Add this to .gkecheck.toml next to the input, with the reason and an end date:';
  const list = el('ul');
  list.append(stepElement({ title, code, language: terraform ? 'hcl' : 'toml', location: null }, host));
  box.append(list);
}

function stepElement(step, host) {
  const item = el('li', 'step');
  const where = step.location ? ` (${host.place(step.location.input, step.location.line).replace(/^Line/, 'line')})` : '';
  item.append(el('div', '', step.title + where));
  const code = el('div', 'code');
  const pre = el('pre', '', step.code);
  pre.dataset.language = step.language;
  const copyButton = button('copy', 'Copy', () => copy(step.code, copyButton));
  copyButton.setAttribute('aria-label', `Copy: ${step.title}`);
  code.append(pre, copyButton);
  item.append(code);
  if (step.location && host.goto) {
    const go = button('goto', 'Show where', () => host.goto(step.location, go));
    item.append(go);
  }
  return item;
}
