import { $, el } from './dom.js';

// The editor: the paste area with its line numbers, and the documents it can hold (the paste
// area alone, or the files that were opened or dropped, each checked as its own input, named
// by its path so Terraform modules stay together).

export const input = $('input');
const gutter = $('gutter');
const formatSelect = $('format');
const fileSelect = $('file');

/** The documents and which one the text area shows. */
export const docs = { list: [{ name: 'input', text: '' }], current: 0 };

/** What the editor tells the page: `changed()` after new documents are put in it. */
export const editorHooks = { changed: () => {} };

// The line numbers: only those of the lines in view are drawn (laying out tens of thousands
// of numbers took a second), again on each scroll; the text area does not wrap lines, so line
// N is at (N - 1) line heights.
let lineCount = 1;

/** Counts the lines after the text changed, and redraws the line numbers. */
export function updateGutter() {
  let lines = 1;
  const text = input.value;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  lineCount = lines;
  drawGutter();
}

function drawGutter() {
  const lineHeight = parseFloat(getComputedStyle(input).lineHeight) || 20;
  const first = Math.floor(input.scrollTop / lineHeight);
  const rows = Math.ceil(input.clientHeight / lineHeight) + 2;
  const last = Math.min(lineCount, first + rows);
  const numbers = [];
  for (let n = first + 1; n <= last; n += 1) numbers.push(n);
  // One more row than the text's, so the gutter can scroll as far as the text area.
  const text = `${numbers.join('\n')}\n `;
  if (gutter.textContent !== text) gutter.textContent = text;
  gutter.scrollTop = input.scrollTop - first * lineHeight;
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
  input.value = docs.list[index].text;
  input.scrollTop = 0;
  updateGutter();
}

/** Stores the text area's text in the document it shows. */
export function keepEdits() {
  docs.list[docs.current].text = input.value;
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
  const index = docs.list.findIndex((d) => d.name === location.input);
  if (index >= 0 && index !== docs.current) show(index);
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
new ResizeObserver(drawGutter).observe(input);
fileSelect.addEventListener('change', () => show(Number(fileSelect.value)));
