import { $, el } from './dom.js';

// The editor: the paste area with its line numbers, and the documents it can hold (the paste
// area alone, or the files that were opened or dropped, each checked as its own input, named
// by its path so Terraform modules stay together).

export const input = $('input');
const gutter = $('gutter');
const viewer = $('viewer');
const viewerLines = $('viewer-lines');
const formatSelect = $('format');
const fileSelect = $('file');

/** The documents and which one the text area shows. */
export const docs = { list: [{ name: 'input', text: '' }], current: 0 };

/** What the editor tells the page: `changed()` after new documents are put in it. */
export const editorHooks = { changed: () => {} };

// A text over LARGE_TEXT characters is shown read-only, drawing only the lines in view: a text
// area takes seconds to lay out megabytes, and blocks typing meanwhile. "Edit it anyway" puts
// it in the text area.
export const LARGE_TEXT = 500_000;
// The most of one line drawn (a one-line API output is megabytes): a window of it, around
// the place a finding selected.
const MAX_DRAWN = 10_000;
// The text the viewer shows (line starts, longest line), or null for the text area.
let large = null;
// A paste of over DEFERRED_TEXT characters (and up to LARGE_TEXT) is put in the text area only
// once its results are on screen: laying out 140 KB in a text area takes the browser 100 to
// 150 ms, which otherwise comes before the answer. Until then the document holds the text and
// this says where the text area's caret goes: {text, caret}.
export const DEFERRED_TEXT = 30_000;
let deferred = null;
// The place selected in it (UTF-16 offsets), drawn as a mark.
let marked = null;

/** The element that shows the text and scrolls: the text area or the viewer. */
function view() {
  return large ? viewer : input;
}

function lineHeightOf(element) {
  return parseFloat(getComputedStyle(element).lineHeight) || 20;
}

/** Draws the viewer's lines in view, with the selected place marked. */
function drawViewer() {
  if (!large) return;
  const { text, starts } = large;
  const lineHeight = lineHeightOf(viewer);
  const first = Math.min(Math.floor(viewer.scrollTop / lineHeight), starts.length - 1);
  const last = Math.min(starts.length, first + Math.ceil(viewer.clientHeight / lineHeight) + 2);
  const nodes = [];
  for (let n = first; n < last; n += 1) {
    const start = starts[n];
    const end = n + 1 < starts.length ? starts[n + 1] - 1 : text.length;
    let from = start;
    let to = end;
    if (end - start > MAX_DRAWN) {
      const around = marked && marked.start >= start && marked.start <= end ? marked.start - 2_000 : start;
      from = Math.max(start, around);
      to = Math.min(end, from + MAX_DRAWN);
    }
    if (from > start) nodes.push(el('span', 'cut', `…(${from - start} characters) `));
    // An empty place (an error's) is marked one character wide.
    const markEnd = marked ? Math.max(marked.end, marked.start + 1) : 0;
    if (marked && marked.start < to && markEnd > from) {
      const a = Math.max(from, marked.start);
      const b = Math.min(to, markEnd);
      nodes.push(text.slice(from, a), el('mark', '', text.slice(a, b) || ' '), text.slice(b, to));
    } else {
      nodes.push(text.slice(from, to));
    }
    if (to < end) nodes.push(el('span', 'cut', ` …(${end - to} characters)`));
    nodes.push('\n');
  }
  viewerLines.replaceChildren(...nodes);
  viewerLines.style.top = `${first * lineHeight}px`;
}

/** Shows `text` in the viewer (over LARGE_TEXT characters, unless `editable`) or the text area. */
function display(text, editable = false) {
  deferred = null;
  if (text.length > LARGE_TEXT && !editable) {
    // Drawn with a lone carriage return (old Mac line ends) as a line feed, as the engine
    // reads it: the same length, so every offset is the document's own.
    if (/\r(?!\n)/.test(text)) text = text.replace(/\r(?!\n)/g, '\n');
    const starts = [0];
    let longest = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      longest = Math.max(longest, i - starts[starts.length - 1]);
      starts.push(i + 1);
    }
    longest = Math.max(longest, text.length - starts[starts.length - 1]);
    large = { text, starts };
    marked = null;
    input.value = '';
    input.hidden = true;
    viewer.hidden = false;
    $('viewer-note').hidden = false;
    $('viewer-size').textContent = `This input (${(text.length / 1048576).toFixed(1)} MB) is shown read-only, the lines in view only: a text area would take seconds to lay it out. Paste into it to replace it.`;
    const lineHeight = lineHeightOf(viewer);
    const space = viewer.firstElementChild;
    space.style.height = `calc(${starts.length * lineHeight}px + 1rem)`;
    space.style.width = `calc(${Math.min(longest, MAX_DRAWN + 40)}ch + 1rem)`;
    viewer.scrollTop = 0;
    viewer.scrollLeft = 0;
    drawViewer();
  } else {
    large = null;
    marked = null;
    viewerLines.replaceChildren();
    viewer.hidden = true;
    $('viewer-note').hidden = true;
    input.hidden = false;
    input.value = text;
    input.scrollTop = 0;
  }
  updateGutter();
}

/**
 * Puts a text in the document shown, as a paste does (the text area's line ends, LF), and
 * tells the page; the viewer shows it when it is large.
 */
export function replaceText(text) {
  const plain = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  docs.list[docs.current].text = plain;
  display(plain);
}

/**
 * Puts a pasted text in the document shown at once and in the text area later
 * (`showDeferred`, after the check's results are drawn); `caret` is where the paste ends.
 */
export function deferText(text, caret) {
  docs.list[docs.current].text = text;
  deferred = { text, caret };
  // However the check fares, the text is in the text area soon.
  setTimeout(showDeferred, 500);
}

/** Puts a deferred paste in the text area, the caret after it, as the browser's paste does. */
export function showDeferred() {
  if (!deferred) return;
  const { text, caret } = deferred;
  deferred = null;
  input.value = text;
  input.setSelectionRange(caret, caret);
  updateGutter();
}

/** The text the text area shows, or will once a deferred paste is in it. */
function areaText() {
  return deferred ? deferred.text : input.value;
}

/** The length of the document shown, in UTF-16 code units. */
export function shownLength() {
  return large ? large.text.length : areaText().length;
}

// The line numbers: only those of the lines in view are drawn (laying out tens of thousands
// of numbers took a second), again on each scroll; the text area does not wrap lines, so line
// N is at (N - 1) line heights.
let lineCount = 1;

/** Counts the lines after the text changed, and redraws the line numbers. */
export function updateGutter() {
  if (large) {
    lineCount = large.starts.length;
  } else {
    let lines = 1;
    const text = areaText();
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
    lineCount = lines;
  }
  drawGutter();
}

function drawGutter() {
  const shown = view();
  const lineHeight = lineHeightOf(shown);
  const first = Math.floor(shown.scrollTop / lineHeight);
  const rows = Math.ceil(shown.clientHeight / lineHeight) + 2;
  const last = Math.min(lineCount, first + rows);
  const numbers = [];
  for (let n = first + 1; n <= last; n += 1) numbers.push(n);
  // One more row than the text's, so the gutter can scroll as far as the text area.
  const text = `${numbers.join('\n')}\n `;
  if (gutter.textContent !== text) gutter.textContent = text;
  gutter.scrollTop = shown.scrollTop - first * lineHeight;
}

/** Puts one text in the paste area, read as `format`. */
export function setInput(text, format) {
  setDocuments([{ name: 'input', text }], format);
}

/** Puts documents in the editor (several: one file menu entry each) and checks them. */
export function setDocuments(list, format) {
  docs.list = list.length ? list : [{ name: 'input', text: '' }];
  docs.current = 0;
  formatSelect.value = format || 'auto';
  formatSelect.disabled = docs.list.length > 1;
  fileSelect.hidden = docs.list.length === 1;
  fileSelect.replaceChildren(...docs.list.map((d, i) => {
    const option = el('option', '', d.name);
    option.value = String(i);
    return option;
  }));
  show(0, false);
  editorHooks.changed();
}

/** Puts document `index` in the text area (keeping the edits of the one shown before). */
export function show(index, keep = true) {
  if (keep) keepEdits();
  docs.current = index;
  fileSelect.value = String(index);
  display(docs.list[index].text);
}

/** Stores the text area's text in the document it shows (the viewer's cannot change). */
export function keepEdits() {
  if (!large) docs.list[docs.current].text = areaText();
}

/** The inputs to check: every document, with the chosen format when there is one. */
export function currentInputs() {
  keepEdits();
  const single = docs.list.length === 1;
  return docs.list.map((d) => ({ name: d.name, text: d.text, format: single ? formatSelect.value : 'auto' }));
}

/** The format chosen for the paste area ("auto" when files are open). */
export function chosenFormat() {
  return docs.list.length === 1 ? formatSelect.value : 'auto';
}

/** "main.tf, line 3" for opened files, "Line 3" for the paste area. */
export function place(inputName, line) {
  return docs.list.length > 1 || docs.list[0].name !== 'input' ? `${inputName}, line ${line}` : `Line ${line}`;
}

/** Shows the named input and selects a place in it (a report location: UTF-16 offsets). */
export function goto(location) {
  showDeferred();
  const index = docs.list.findIndex((d) => d.name === location.input);
  if (index >= 0 && index !== docs.current) show(index);
  if (large) {
    marked = { start: location.offset, end: location.endOffset };
    viewer.scrollTop = Math.max(0, (location.line - 1) * lineHeightOf(viewer) - viewer.clientHeight / 3);
    drawViewer();
    viewerLines.querySelector('mark')?.scrollIntoView({ block: 'nearest', inline: 'center' });
    viewer.focus({ preventScroll: true });
    drawGutter();
    return;
  }
  input.focus();
  input.setSelectionRange(location.offset, location.endOffset);
  const lineHeight = parseFloat(getComputedStyle(input).lineHeight) || 20;
  input.scrollTop = Math.max(0, (location.line - 1) * lineHeight - input.clientHeight / 3);
  drawGutter();
}

/** The file menu says how each file fared. */
export function updateFileSelect(report) {
  if (docs.list.length === 1) return;
  docs.list.forEach((d, i) => {
    const results = report.results.filter((r) => r.location.input === d.name);
    const count = (status) => results.filter((r) => r.status === status).length;
    const state = report.inputs[i]?.error ? 'cannot be read'
      : count('fail') ? `${count('fail')} failing`
        : count('unknown') ? `${count('unknown')} unknown`
          : results.length ? 'passing' : 'no findings';
    fileSelect.options[i].textContent = `${d.name} (${state})`;
  });
}

input.addEventListener('scroll', drawGutter);
// What a person does in the text area acts on the pasted text, not on the one it replaces.
for (const type of ['keydown', 'pointerdown', 'beforeinput']) input.addEventListener(type, showDeferred);
new ResizeObserver(drawGutter).observe(input);
viewer.addEventListener('scroll', () => {
  drawViewer();
  drawGutter();
});
new ResizeObserver(() => {
  drawViewer();
  drawGutter();
}).observe(viewer);
$('viewer-edit').addEventListener('click', () => {
  display(large.text, true);
  input.focus();
  input.setSelectionRange(0, 0);
});
fileSelect.addEventListener('change', () => show(Number(fileSelect.value)));
