import { call } from './engine-client.js';
import { $, button, copy, download, el } from './dom.js';
import { currentInputs, docs, editorHooks, show } from './editor.js';

// The fix dialog: Terraform fixes chosen by applicability and applied by the engine (checked
// again there), and the gcloud commands of every failing check as one script.

function say(text) {
  $('status').textContent = text;
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

function openPanel(opener) {
  $('fix').dataset.opener = opener;
  $('fix').hidden = false;
  $('fix-heading').focus?.();
}

// Every fix with a checkbox (safe ones checked; unsafe ones unchecked, with what they cost
// beside them; display-only ones listed without one), then what applying the checked ones
// writes. Fixes that need another are checked and unchecked together.
async function openFixes() {
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
    const apply = button('', 'Apply the checked fixes', () => applyChosen(inputs, [...boxes].filter(([, b]) => b.box.checked).map(([id]) => id))
      .catch((e) => say(`The fixes could not be made: ${e.message}`)));
    apply.id = 'fix-apply';
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
  openPanel('fix-button');
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
    const copyButton = button('', 'Copy fixed text', () => copy(f.text, copyButton));
    const file = f.name.split('/').pop();
    const downloadButton = button('', 'Download', () => download(file === 'input' ? 'main.tf' : file, f.text));
    const use = button('', 'Use in the editor', () => {
      const index = docs.list.findIndex((d) => d.name === f.name);
      if (index < 0) return;
      docs.list[index].text = f.text;
      show(index, false);
      $('fix').hidden = true;
      editorHooks.changed();
    });
    box.append(el('h4', '', f.name), columns, copyButton, ' ', downloadButton, ' ', use);
    return box;
  }));
}

// Copies the gcloud fix commands, as one script, and shows them. Terraform alone has nothing
// to run with gcloud: the page says so and leaves the clipboard alone.
async function copyScript() {
  const script = await call('scriptFor', JSON.stringify(currentInputs()));
  if (script.startsWith('#!/usr/bin/env bash\n# gkecheck: nothing to fix with gcloud')) {
    $('fix-summary').replaceChildren(el('p', '', 'Nothing to run with gcloud: these inputs hold no failing gcloud output. For Terraform, use "Apply fix…" to change the configuration. The clipboard was left as it was.'));
    $('fix-files').replaceChildren();
    openPanel('script-button');
    return;
  }
  $('fix-summary').replaceChildren(el('p', '', 'The gcloud commands for every failing check, in the order the remediation needs, as a script to review and run. Only safe steps run as written; every other one is commented out under its warning:'));
  const pre = el('pre', 'fixed', script);
  pre.id = 'script';
  $('fix-files').replaceChildren(pre);
  openPanel('script-button');
  await copy(script, $('script-button'));
}

$('fix-button').addEventListener('click', () => openFixes().catch((e) => say(`The fixes could not be made: ${e.message}`)));
$('fix-close').addEventListener('click', () => { $('fix').hidden = true; $($('fix').dataset.opener || 'fix-button').focus(); });
$('script-button').addEventListener('click', () => copyScript().catch((e) => say(`The commands could not be made: ${e.message}`)));
