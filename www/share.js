import { call } from './engine-client.js';
import { $, copy } from './dom.js';
import { chosenFormat, docs, keepEdits, setInput } from './editor.js';
import { fragmentParams, packText, textFromParams } from './links.js';

// Links that carry the text: `#input=...` or `#z=...` (see links.js) fills the page and
// checks it; "Share" makes such a link with secrets removed first. Nothing is sent anywhere.

// Links longer than this are cut by some chat tools, mail clients and ticket systems.
const LONG_LINK = 2000;

/** Fills the page from the link's fragment, when it has one: true when it did. */
export function fromFragment() {
  const params = fragmentParams(location.hash);
  if (!params) return false;
  textFromParams(params).then((text) => setInput(text, params.get('format')), (error) => {
    setInput('', 'auto');
    $('status').textContent = `The link could not be read (expected the base64url of UTF-8 text, compressed for #z=): ${error.message}`;
  });
  return true;
}

async function share() {
  keepEdits();
  const doc = docs.list[docs.current];
  const format = chosenFormat();
  const redacted = JSON.parse(await call('redact', doc.name, doc.text, format));
  const params = new URLSearchParams({ z: await packText(redacted.text) });
  if (format !== 'auto') params.set('format', format);
  const link = `${location.href.split('#')[0]}#${params}`;
  const removed = redacted.removed.map((r) => `${r.what} (line ${r.line})`);
  $('share-removed').textContent = (docs.list.length > 1 ? `The link holds ${doc.name} only. ` : '') +
    (removed.length ? `Removed before sharing: ${removed.join(', ')}.` : 'No secrets or credentials were found to remove.');
  $('share-link').value = link;
  $('share-warning').textContent = link.length > LONG_LINK
    ? `This link is ${link.length.toLocaleString('en')} characters long: some chat tools, mail clients and ticket systems cut links longer than about ${LONG_LINK.toLocaleString('en')}.`
    : '';
  $('share').hidden = false;
  $('share-link').focus();
  $('share-link').select();
}

$('share-button').addEventListener('click', () => share().catch((e) => { $('status').textContent = `The link could not be made: ${e.message}`; }));
$('share-copy').addEventListener('click', () => copy($('share-link').value, $('share-copy')));
$('share-close').addEventListener('click', () => { $('share').hidden = true; $('share-button').focus(); });
window.addEventListener('hashchange', fromFragment);
