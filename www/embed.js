// <gke-check>: the gkecheck checker in a documentation page.
//
//   <script type="module" src="https://YOUR-HOST/embed.js"></script>
//   <gke-check rules="GKE001" readonly>{"name": "prod", "nodePools": [...]}</gke-check>
//
// The input is the element's text (or that of a <template> or <script type="text/plain">
// child, for text with < in it), or the same-origin file named by `src`. Attributes:
//   rules     ids or names of the rules to show, comma-separated (all when absent)
//   height    the editor's height, as CSS (`12em`, `300px`)
//   readonly  show the input without letting the reader edit it
//   theme     light, dark or auto (the reader's preference; the default)
//   format    auto (default), gcloud-json, gcloud-yaml, terminal, terraform, terraform-plan
// Everything runs in the reader's browser; several embeds share one engine. A shadow root
// keeps the host page's styles and the embed's apart.

import { check, startFailure } from './engine-client.js';
import { el } from './dom.js';
import { countStatuses, countsText, filterResults, loadRules, renderHeadline, renderResults } from './report-view.js';

const STYLE = new CSSStyleSheet();
STYLE.replaceSync(`
:host { display: block; --bg: #fff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --fail: #b42318; --fail-bg: #fdecea; --pass: #1a7f37; --pass-bg: #e9f7ee; --unknown: #8a5300; --unknown-bg: #fff4e0;
  --accent: #0b57d0; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  margin: 1em 0; }
:host([theme="dark"]) { --bg: #0f1419; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --panel: #161b22;
  --fail: #ff8a80; --fail-bg: #3a1614; --pass: #7ee2a8; --pass-bg: #10301d; --unknown: #ffc46b; --unknown-bg: #3a2a0c; --accent: #8ab4f8; }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) { --bg: #0f1419; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --panel: #161b22;
    --fail: #ff8a80; --fail-bg: #3a1614; --pass: #7ee2a8; --pass-bg: #10301d; --unknown: #ffc46b; --unknown-bg: #3a2a0c; --accent: #8ab4f8; }
}
* { box-sizing: border-box; }
.frame { all: initial; display: block; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.editor, textarea { display: block; width: 100%; margin: 0; padding: 0.5em 0.7em; border: 0; border-bottom: 1px solid var(--line);
  font: 12.5px/1.5 var(--mono); color: var(--fg); background: var(--panel); white-space: pre; overflow: auto; resize: vertical; tab-size: 2; }
pre.editor { max-height: 24em; }
textarea { height: 14em; }
textarea:focus-visible, button:focus-visible, summary:focus-visible, pre.editor:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.headline { padding: 0.4em 0.7em 0; }
.headline p { margin: 0 0 0.2em; }
.headline .answer { font-weight: 600; }
.headline .answer.exposed { color: var(--fail); }
.headline .answer.unknown { color: var(--unknown); }
.status { margin: 0; padding: 0.4em 0.7em; font-weight: 600; }
.status .brand { font-weight: 400; color: var(--muted); }
.errors div { margin: 0 0.7em 0.4em; padding: 0.3em 0.5em; border-radius: 4px; background: var(--fail-bg); color: var(--fg); }
.cluster-group > h3 { margin: 0; padding: 0.3em 0.7em; font-size: 0.9em; background: var(--panel); border-top: 1px solid var(--line); }
.hidden-passing { margin: 0; padding: 0.3em 0.7em; color: var(--muted); }
.result { padding: 0.45em 0.7em; border-top: 1px solid var(--line); overflow-wrap: anywhere; min-width: 0; }
.result-head { display: flex; flex-wrap: wrap; gap: 0.4em; align-items: baseline; }
.badge { font-weight: 700; font-size: 0.8em; padding: 0.05em 0.4em; border-radius: 4px; }
.result[data-status="fail"] .badge { color: var(--fail); background: var(--fail-bg); }
.result[data-status="pass"] .badge { color: var(--pass); background: var(--pass-bg); }
.result[data-status="unknown"] .badge { color: var(--unknown); background: var(--unknown-bg); }
.result[data-status="suppressed"] .badge { color: var(--muted); background: var(--panel); }
.rule, .where { font: 12px var(--mono); color: var(--muted); }
.severity { font-size: 0.8em; color: var(--muted); text-transform: uppercase; }
.resource { font-weight: 600; }
.message, .waived { margin: 0.2em 0; }
details { margin: 0.2em 0; }
summary { cursor: pointer; font-weight: 600; }
.fix ol, .fix ul { margin: 0.2em 0; padding-left: 1.3em; }
.fix h4 { margin: 0.4em 0 0.2em; font-size: 0.9em; }
.step { margin: 0.3em 0; }
.code { position: relative; margin: 0.2em 0; }
.code pre { margin: 0; padding: 0.4em 4.2em 0.4em 0.5em; background: var(--panel); border: 1px solid var(--line);
  border-radius: 4px; font: 12px/1.4 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; }
button { font: inherit; font-size: 0.85em; padding: 0.1em 0.5em; border: 1px solid var(--line); border-radius: 4px;
  background: var(--bg); color: var(--fg); cursor: pointer; }
.code .copy { position: absolute; top: 0.2em; right: 0.2em; font-family: system-ui, sans-serif; }
`);

/** Removes the indentation common to all lines, and blank lines at either end. */
function dedent(text) {
  const lines = text.replace(/\t/g, '  ').split('\n');
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n') + '\n';
}

export class GkeCheck extends HTMLElement {
  static observedAttributes = ['src', 'rules', 'height', 'readonly', 'theme', 'format'];

  #editor = null;
  #status;
  #errors;
  #list;
  #frame;
  #text = '';
  #report = null;
  #number = 0;
  #timer = 0;
  #started = false;
  #headline;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [STYLE];
    this.#frame = el('div', 'frame');
    this.#status = el('p', 'status', 'Checking…');
    this.#status.setAttribute('role', 'status');
    this.#status.setAttribute('aria-live', 'polite');
    this.#errors = el('div', 'errors');
    this.#list = el('div', 'results');
    // The answer first: the workload-metadata verdict, with the page's test hooks.
    this.#headline = el('div', 'headline');
    this.#headline.id = 'headline';
    this.#frame.append(this.#headline, this.#status, this.#errors, this.#list);
    root.append(this.#frame);
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.#load();
  }

  attributeChangedCallback(name, before, after) {
    if (!this.#started || before === after) return;
    if (name === 'src') this.#load();
    else if (name === 'readonly' || name === 'height') this.#setText(this.#text);
    else if (name === 'format') this.#run();
    else if (name === 'rules') this.#render();
  }

  /** The text being checked. */
  get value() {
    return this.#text;
  }

  set value(text) {
    this.#setText(String(text));
    this.#run();
  }

  /** Resolves to the last report (all rules, before the `rules` filter). */
  get report() {
    return this.#report;
  }

  async #load() {
    const src = this.getAttribute('src');
    if (src) {
      const url = new URL(src, document.baseURI);
      if (url.origin !== location.origin) {
        this.#status.textContent = `gkecheck: src must be on this page's own site (${location.origin}), not ${url.origin}.`;
        return;
      }
      try {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        this.#setText(await response.text());
      } catch (error) {
        this.#status.textContent = `gkecheck: ${src} could not be loaded: ${error.message}`;
        return;
      }
    } else {
      const holder = this.querySelector('template, script[type="text/plain"], script[type="application/json"]');
      const raw = holder ? (holder.content?.textContent ?? holder.textContent) : this.textContent;
      this.#setText(dedent(raw));
    }
    this.#run();
  }

  #setText(text) {
    this.#text = text;
    const readonly = this.hasAttribute('readonly');
    const editor = readonly ? el('pre', 'editor') : el('textarea', 'editor');
    editor.setAttribute('part', 'editor');
    if (readonly) {
      editor.textContent = text;
      editor.tabIndex = 0;
      editor.setAttribute('aria-label', 'Configuration checked by gkecheck');
    } else {
      editor.value = text;
      editor.spellcheck = false;
      editor.setAttribute('wrap', 'off');
      editor.setAttribute('aria-label', 'Configuration to check; edit it and the check runs again');
      editor.addEventListener('input', () => {
        this.#text = editor.value;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#run(), 150);
      });
    }
    const height = this.getAttribute('height');
    if (height) editor.style.height = height;
    if (this.#editor) this.#editor.replaceWith(editor);
    else this.#frame.prepend(editor);
    this.#editor = editor;
  }

  async #run() {
    const number = ++this.#number;
    const started = performance.now();
    try {
      // The rules' titles come with the first report (one load for every embed on the page).
      const [report] = await Promise.all([
        check([{ name: this.getAttribute('name') || 'input', text: this.#text, format: this.getAttribute('format') || 'auto' }]),
        loadRules().catch(() => {}),
      ]);
      if (number !== this.#number) return;
      this.#report = report;
      this.#render(performance.now() - started);
      this.dispatchEvent(new CustomEvent('gkecheck-report', { detail: report }));
    } catch (error) {
      if (number === this.#number) {
        // Why the engine cannot start, when that is it; the text stays where it is.
        this.#status.textContent = startFailure(error)
          ?? `gkecheck hit an internal error (${error.message}); edit the text to check again.`;
        this.#status.dataset.failed = '';
      }
    }
  }

  #render(ms) {
    const report = this.#report;
    if (!report) return;
    const wanted = (this.getAttribute('rules') || '').split(',').map((r) => r.trim()).filter(Boolean);
    const results = filterResults(report.results, { rules: wanted });
    this.#status.replaceChildren(
      `${countsText(countStatuses(results))}. `,
      el('span', 'brand', `Checked in your browser by gkecheck${ms !== undefined ? ` in ${Math.round(ms)} ms` : ''}.`),
    );
    this.#errors.replaceChildren(...report.inputs.filter((i) => i.error).map((i) =>
      el('div', '', `Line ${i.error.line}, column ${i.error.column}: ${i.error.message}`)));
    renderHeadline(this.#headline, report, { results: this.#list, shown: results });
    renderResults(this.#list, results, {
      place: (input, line) => `Line ${line}`,
      // "Line N" selects the place in an editable embed; a read-only one has nothing to select.
      goto: this.hasAttribute('readonly') ? null : (location) => {
        const editor = this.#editor;
        editor.focus();
        editor.setSelectionRange(location.offset, location.endOffset);
        const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
        editor.scrollTop = Math.max(0, (location.line - 1) * lineHeight - editor.clientHeight / 3);
      },
      limit: 200,
    });
  }
}

if (!customElements.get('gke-check')) customElements.define('gke-check', GkeCheck);
