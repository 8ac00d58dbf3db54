// The TypeScript declarations gkecheck ships (dist/gkecheck.d.ts, and the engine's own
// dist/pkg/gkecheck.d.ts) against real reports: reports of many kinds of input, from the page's
// engine run under Node, are written into a TypeScript file as literals typed `Report` and
// checked by the TypeScript compiler with strict settings, so a field the declarations miss,
// misname or mistype fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import ts from 'typescript';

const DIST = process.env.GKECHECK_DIST;
const ROOT = new URL('../../', import.meta.url).pathname;

async function engine() {
  const glue = await import(new URL(`file://${DIST}/pkg/gkecheck.js`).href);
  glue.initSync({ module: readFileSync(`${DIST}/pkg/gkecheck_bg.wasm`) });
  return glue;
}

function compile(source) {
  const dir = mkdtempSync(join(tmpdir(), 'gkecheck-types-'));
  const file = join(dir, 'reports.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Texts that between them give every part of a report: errors, notes, waivers, remediation
 * with places, unknown results, pools without their cluster, Autopilot. */
function inputs() {
  const list = readdirSync(join(ROOT, 'www/examples')).map((name) => [{ name, text: readFileSync(join(ROOT, 'www/examples', name), 'utf8'), format: 'auto' }]);
  list.push([{ name: 'main.tf', text: readFileSync(join(ROOT, 'tests/fixtures/terraform/tutorial/gke.tf'), 'utf8'), format: 'auto' }]);
  list.push([{ name: 'broken.json', text: '{"name": "c", "nodePools": [', format: 'auto' }]);
  list.push([{ name: 'paste.txt', text: '$ gcloud container node-pools list --cluster=c\nNAME  MACHINE_TYPE\np     e2-medium\n$ gcloud container node-pools describe p --cluster=c --format=json\n{"name": "p", "config": {}}\n', format: 'auto' }]);
  list.push([{ name: 'waived.tf', text: 'resource "google_container_node_pool" "p" {\n  name    = "p"\n  cluster = var.cluster\n  # gkecheck:ignore GKE001 batch jobs need the node identity until=2099-01-01\n  node_config {\n    workload_metadata_config {\n      mode = var.mode\n    }\n  }\n}\n', format: 'terraform' }]);
  list.push([{ name: 'autopilot.json', text: '{"name": "auto", "location": "europe-west1", "autopilot": {"enabled": true}}', format: 'auto' }]);
  return list;
}

test('real reports are what gkecheck.d.ts declares', async () => {
  const glue = await engine();
  const reports = inputs().map((list) => JSON.parse(glue.checkInputs(JSON.stringify(list))));
  // The reports between them hold every optional part at least once.
  const all = JSON.stringify(reports);
  for (const part of ['"error":{', '"notes":[{', '"suppression":{', '"remediation":{', '"status":"unknown"', '"cluster":null', '"autopilot":true', '"location":{"input"']) {
    assert.ok(all.includes(part), `no report here has ${part}`);
  }
  const source = `import type { Report, Input, GkeCheckElement } from ${JSON.stringify(`${DIST}/gkecheck.d.ts`)};
import { checkInputs } from ${JSON.stringify(`${DIST}/pkg/gkecheck.js`)};
const reports: Report[] = ${JSON.stringify(reports, null, 1)};
const input: Input = { name: 'x', text: '', format: 'auto' };
const json: string = checkInputs(JSON.stringify([input]));
const element: GkeCheckElement | null = document.querySelector('gke-check');
export { reports, json, element };
`;
  assert.deepEqual(compile(source), []);
});

test('a field the declarations do not have is caught', async () => {
  const glue = await engine();
  const report = JSON.parse(glue.checkInputs(JSON.stringify(inputs()[0])));
  report.results[0].surprise = true;
  const source = `import type { Report } from ${JSON.stringify(`${DIST}/gkecheck.d.ts`)};
export const report: Report = ${JSON.stringify(report)};
`;
  const errors = compile(source);
  assert.ok(errors.some((e) => e.includes('surprise')), errors.join('\n'));
});
