// Small DOM helpers shared by the page, its panels and the embeds.

/** The element with this id in the page. */
export const $ = (id) => document.getElementById(id);

/** A new element, with a class and text when given. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A button that does not submit anything. */
export function button(className, text, onClick) {
  const node = el('button', className, text);
  node.type = 'button';
  if (onClick) node.addEventListener('click', onClick);
  return node;
}

/** Copies text to the clipboard and says so on the button for a moment. */
export async function copy(text, target) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without the clipboard API (an http: host, an old browser), a selected text area.
    const area = document.createElement('textarea');
    area.value = text;
    area.className = 'visually-hidden';
    area.style.position = 'fixed';
    area.style.opacity = '0';
    (target.getRootNode?.() instanceof ShadowRoot ? target.getRootNode() : document.body).append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  const label = target.dataset.label ?? target.textContent;
  target.dataset.label = label;
  target.textContent = 'Copied';
  setTimeout(() => { target.textContent = label; }, 1500);
}

/** Offers `text` as a file called `filename` to save. */
export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
