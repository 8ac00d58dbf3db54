import { $, el } from './dom.js';
import { inline } from './markdown.js';
import { loadRules } from './report-view.js';

// The rules reference: every rule's metadata and documentation, as the engine describes it.

// What each fix applicability means.
const APPLICABILITY = {
  safe: 'safe (applied by default)',
  unsafe: 'unsafe (applied only when you check it)',
  'display-only': 'display only (shown, never applied)',
};

/** Fills the rules reference. */
export async function listRules() {
  const rules = await loadRules();
  $('rules-list').replaceChildren(...rules.map((r) => {
    const section = el('section', 'rule-doc');
    section.id = `rule-${r.id}`;
    const heading = el('h3', '', `${r.id} ${r.name} (${r.severity})`);
    heading.tabIndex = -1;
    section.append(heading, el('p', '', r.title), el('p', '', `Category: ${r.category}.`));
    if (r.cis.length) section.append(el('p', '', `CIS GKE Benchmark: ${r.cis.join(', ')}.`));
    if (r.peers.length) section.append(el('p', '', `The same check elsewhere: ${r.peers.join(', ')}.`));
    if (r.differs) {
      const p = el('p', '', 'Where gkecheck differs: ');
      p.append(inline(r.differs));
      section.append(p);
    }
    section.append(el('p', '', `Fix: ${APPLICABILITY[r.fix_applicability]}. ${r.fix_cost}`));
    for (const [label, text] of [['What it checks', r.what], ['Why it matters', r.why], ['How to fix', r.fix]]) {
      const p = el('p');
      p.append(el('strong', '', `${label}: `), inline(text));
      section.append(p);
    }
    return section;
  }));
}

/** Opens the rules reference at one rule. */
export function showRule(id) {
  $('rules-reference').open = true;
  const heading = document.querySelector(`#rule-${id} h3`);
  heading?.scrollIntoView({ block: 'start' });
  heading?.focus();
}
