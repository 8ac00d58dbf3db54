// embed.html: one <gke-check> whose input and attributes come from the fragment, for hosts
// that can show an iframe but run no scripts of their own.

import './embed.js';
import { fragmentParams, textFromParams } from './links.js';

async function show() {
  const params = fragmentParams(location.hash) ?? new URLSearchParams(location.hash.slice(1));
  const embed = document.createElement('gke-check');
  for (const name of ['rules', 'height', 'theme', 'format']) {
    if (params.get(name)) embed.setAttribute(name, params.get(name));
  }
  if (params.has('readonly')) embed.setAttribute('readonly', '');
  let text = '';
  try {
    if (params.has('input') || params.has('z')) text = await textFromParams(params);
  } catch (error) {
    text = `# The link's input could not be read: ${error.message}\n`;
  }
  document.body.replaceChildren(embed);
  embed.value = text;
}

window.addEventListener('hashchange', show);
show();
