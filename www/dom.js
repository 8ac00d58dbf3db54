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

// Whether the browser says when an element is on screen (Element Timing; Chromium has it),
// and how long afterPaint waits at most.
const PAINT_TIMING = typeof PerformanceObserver !== 'undefined' &&
  (PerformanceObserver.supportedEntryTypes ?? []).includes('element');
const PAINT_WAIT_MS = 250;

/**
 * Calls `then` once what was just put in `roots` (elements of the page, not yet painted) is
 * on screen: where the browser says so (Element Timing, which reports the frame's
 * presentation), when it does; elsewhere, and inside a shadow root, at the start of the frame
 * after the next. After PAINT_WAIT_MS at the latest (a hidden tab, or nothing of it in view).
 * The browser paints a frame after the page's thread has moved on to the next one: a long
 * task started at that frame's start (laying out a pasted text) began before the answer was
 * on screen in five pastes of six (by 1 to 22 ms, on two cores), and held its painting back.
 */
export function afterPaint(roots, then) {
  let done = false;
  let observer = null;
  const run = () => {
    if (done) return;
    done = true;
    observer?.disconnect();
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(run, PAINT_WAIT_MS);
  const shown = roots.filter((r) => r?.isConnected && r.getRootNode() === document);
  if (!PAINT_TIMING || shown.length === 0) {
    requestAnimationFrame(() => requestAnimationFrame(run));
    return;
  }
  // Element Timing reports the text an element holds itself: each element is marked.
  for (const root of shown) {
    for (const e of [root, ...root.querySelectorAll('*')]) {
      if (!e.hasAttribute('elementtiming')) e.setAttribute('elementtiming', 'gkecheck');
    }
  }
  observer = new PerformanceObserver((list) => {
    if (list.getEntries().some((e) => e.element && shown.some((r) => r.contains(e.element)))) run();
  });
  observer.observe({ type: 'element' });
}
