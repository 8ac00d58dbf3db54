import { $ } from './dom.js';
import { input, setDocuments, setInput } from './editor.js';

// Opening files and folders (picked or dropped; nothing leaves the page), and the site's own
// files: the examples and the exercises' scenarios.

const READ_EXTENSIONS = ['.json', '.jsonl', '.ndjson', '.yaml', '.yml', '.txt'];
const MARKERS = ['nodePools', 'node_pools', 'workloadMetadataConfig', 'planned_values', 'container.googleapis.com', 'currentMasterVersion', '"bindings"', '\nbindings:'];

const MANIFEST = '.terraform/modules/modules.json';

// The directories `terraform init` downloaded modules to, from each manifest in the folder
// (`.terraform/modules/modules.json`; its `Dir`s are relative to the directory it ran in).
function downloadedDirs(read) {
  const dirs = new Set();
  for (const d of read) {
    if (!(d.name === MANIFEST || d.name.endsWith(`/${MANIFEST}`))) continue;
    const root = d.name.slice(0, d.name.length - MANIFEST.length);
    try {
      for (const m of JSON.parse(d.text).Modules ?? []) {
        const dir = String(m.Dir ?? '').replaceAll('\\', '/');
        if (dir.startsWith('.terraform/')) dirs.add(`${root}${dir.replace(/\/+$/, '')}/`);
      }
    } catch { /* the check reports the manifest's error, with its place */ }
  }
  return dirs;
}

// What a folder holds that gkecheck reads: the same choice as `gkecheck check DIR`. From
// .terraform, only the manifest and the .tf files of the modules it lists.
function wanted(path, text, downloaded) {
  const parts = path.split('/');
  if (path === MANIFEST || path.endsWith(`/${MANIFEST}`)) return true;
  if (path.endsWith('.tf') && downloaded.has(path.slice(0, path.lastIndexOf('/') + 1))) return true;
  if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return false;
  const name = parts[parts.length - 1].toLowerCase();
  if (name.endsWith('.tf') || name === 'terraform.tfvars' || name.endsWith('.auto.tfvars')) return true;
  return READ_EXTENSIONS.some((e) => name.endsWith(e)) && MARKERS.some((m) => text.includes(m));
}

function say(text) {
  $('status').textContent = text;
}

// Reads files. From a folder, only what gkecheck reads is kept.
async function openFiles(files, fromFolder) {
  const read = await Promise.all(files.map(async (f) => ({ name: f.path, text: await f.file.text() })));
  const downloaded = downloadedDirs(read);
  const kept = read.filter((d) => !fromFolder || wanted(d.name, d.text, downloaded)).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (kept.length === 0) {
    say('None of those files is something gkecheck reads (.tf, .tfvars, or gcloud output and plans in .json or .yaml).');
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
const siteFiles = new Map();

/** Resolves to the text of one of the site's own files. */
export function loadText(path) {
  if (!siteFiles.has(path)) {
    const inline = globalThis.GKECHECK_FILES?.[path];
    siteFiles.set(path, inline !== undefined ? Promise.resolve(inline) : fetch(path).then((response) => {
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      return response.text();
    }));
  }
  return siteFiles.get(path);
}

/** Fetches every example and scenario, so that the page works offline after loading. */
export async function preload() {
  const examples = [...document.querySelectorAll('[data-example]')].flatMap((b) => b.dataset.example.split(' ').map(loadText));
  const index = JSON.parse(await loadText('scenarios/index.json'));
  await Promise.all([...examples, ...index.scenarios.map((f) => loadText(`scenarios/${f}`))]);
}

/** An example is one file, or several (space-separated) pasted one after the other. */
export async function loadExample(paths, format) {
  const texts = await Promise.all(paths.split(' ').map(loadText));
  setInput(texts.join('\n'), format);
}

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
    .catch((e) => say(`The dropped files could not be read: ${e.message}`));
});
for (const b of document.querySelectorAll('[data-example]')) {
  b.addEventListener('click', () => loadExample(b.dataset.example, b.dataset.format)
    .catch((e) => say(`The example could not be loaded: ${e.message}`)));
}
$('clear').addEventListener('click', () => { setInput('', 'auto'); input.focus(); });
