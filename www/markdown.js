// Inline Markdown for the rules' docs, hints and exercise stories: `code`, **strong**,
// *emphasis* / _emphasis_ and [links](https://...). It builds DOM nodes with textContent,
// never HTML from data; a link is made only for http(s) addresses.

const PATTERN = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|(?<![\w])_([^_\s][^_]*)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)/g;

export function inline(text) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const m of String(text ?? '').matchAll(PATTERN)) {
    if (m.index > at) fragment.append(text.slice(at, m.index));
    const [whole, code, strong, em, em2, label, href] = m;
    if (code !== undefined) {
      const node = document.createElement('code');
      node.textContent = code;
      fragment.append(node);
    } else if (strong !== undefined) {
      const node = document.createElement('strong');
      node.textContent = strong;
      fragment.append(node);
    } else if (em !== undefined || em2 !== undefined) {
      const node = document.createElement('em');
      node.textContent = em ?? em2;
      fragment.append(node);
    } else if (/^https?:\/\//.test(href)) {
      const node = document.createElement('a');
      node.textContent = label;
      node.href = href;
      node.rel = 'noopener noreferrer';
      fragment.append(node);
    } else {
      fragment.append(whole);
    }
    at = m.index + whole.length;
  }
  if (at < String(text ?? '').length) fragment.append(String(text).slice(at));
  return fragment;
}
