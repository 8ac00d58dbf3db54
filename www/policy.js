import { call } from './engine-client.js';
import { $, download } from './dom.js';

// "Prevent it": the organization policy constraints `gkecheck policy` writes, made by the
// engine from the organization, the resource to enforce them at and the format given here.

let asked = 0;

async function write() {
  const mine = ++asked;
  const organization = $('policy-organization').value.trim() || 'ORGANIZATION_ID';
  const format = $('policy-format').value;
  let text = '';
  let error = '';
  try {
    text = await call('policyText', format, organization, $('policy-parent').value);
  } catch (e) {
    error = String(e?.message ?? e);
  }
  // Only the answer to the latest question is shown.
  if (mine !== asked) return;
  $('policy-output').textContent = text;
  $('policy-error').textContent = error;
  $('policy-output').parentElement.hidden = !text;
  $('policy-download').disabled = !text;
}

/** Writes the constraints when the section is first opened, and again on every change. */
export function setUpPolicy() {
  const details = $('policy-help');
  details.addEventListener('toggle', () => { if (details.open) write(); });
  for (const id of ['policy-organization', 'policy-parent', 'policy-format']) $(id).addEventListener('input', write);
  $('policy-download').addEventListener('click', () => {
    download($('policy-format').value === 'terraform' ? 'gkecheck-policy.tf' : 'gkecheck-policy.yaml', $('policy-output').textContent);
  });
}
