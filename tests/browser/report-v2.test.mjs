// report-v2.js, the reader of the compact report for pages and dashboards, against the command
// line itself: for inputs of every kind, version 2 (`--report-version 2 --show-passing`) read by
// expandReport is exactly the command line's version 1; the declarations in gkecheck.d.ts fit
// real version 2 reports; a broken one is refused with the place named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import ts from 'typescript';

const DIST = process.env.GKECHECK_DIST;
const BIN = process.env.GKECHECK_BIN;
const ROOT = new URL('../../', import.meta.url).pathname;
const skip = !BIN && 'GKECHECK_BIN (the gkecheck binary) is not set; cargo xtask ci sets it';

function gkecheck(args) {
  try {
    return execFileSync(BIN, ['check', '--output-format', 'json', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (error) {
    // Exit 1 (a check failed) and 2 (an input could not be read) still print the report.
    if (error.status === 1 || error.status === 2) return error.stdout;
    throw error;
  }
}

/** Inputs that between them give every part of a report. */
function cases() {
  const dir = mkdtempSync(join(tmpdir(), 'gkecheck-v2-'));
  const waived = join(dir, 'waived.tf');
  writeFileSync(waived, 'resource "google_container_node_pool" "p" {\n  name    = "p"\n  cluster = var.cluster\n  # gkecheck:ignore GKE001 batch jobs need the node identity until=2099-01-01\n  node_config {\n    workload_metadata_config {\n      mode = var.mode\n    }\n  }\n}\n');
  const odd = join(dir, 'odd.json');
  writeFileSync(odd, '{"name": "a", "location": "{", "nodePools": [{"name": "{a}", "config": {}}, {"name": "pool 😀", "config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}}]}');
  return [
    ['www/examples/vulnerable-cluster.json', 'www/examples/vulnerable-iam-policy.json'],
    ['www/examples'],
    ['tests/fixtures/terraform/tutorial'],
    ['tests/fixtures/plans'],
    [waived, '--severity', 'GKE003=critical'],
    [odd],
    ['www/examples/hardened-cluster.json', 'no/such/file.json'],
  ];
}

test('expandReport gives the command line\'s version 1 from its version 2', { skip }, async () => {
  const { expandReport } = await import(new URL('../../www/report-v2.js', import.meta.url).href);
  const seen = new Set();
  for (const args of cases()) {
    const v1 = JSON.parse(gkecheck(['--show-passing', ...args]));
    const v2 = JSON.parse(gkecheck(['--report-version', '2', '--show-passing', ...args]));
    assert.deepEqual(expandReport(v2), v1, args.join(' '));
    for (const r of v1.results) seen.add(r.status);
    if (v1.results.some((r) => r.remediation?.steps.some((s) => s.location))) seen.add('remediation with places');
  }
  for (const part of ['fail', 'pass', 'unknown', 'suppressed', 'remediation with places']) assert.ok(seen.has(part), `no case has ${part}`);
});

test('a broken version 2 report is refused, the place named', { skip }, async () => {
  const { expandReport } = await import(new URL('../../www/report-v2.js', import.meta.url).href);
  const good = JSON.parse(gkecheck(['--report-version', '2', 'www/examples/vulnerable-cluster.json']));
  const broken = (edit) => {
    const doc = structuredClone(good);
    edit(doc);
    try {
      expandReport(doc);
    } catch (error) {
      return error.message;
    }
    return 'accepted';
  };
  assert.match(broken((d) => { d.version = 1; }), /"version" is not 2/);
  assert.match(broken((d) => { d.results[0].resource = 9999; }), /result 1: its resource/);
  assert.match(broken((d) => { d.results[1].location = [0, 1]; }), /result 2: a location is seven numbers/);
  assert.match(broken((d) => { d.texts[d.results[0].message] = 'see {nothing}'; }), /\{nothing\}/);
  assert.match(broken((d) => { d.texts[d.results[0].message] = 'open {'; }), /\{ without \}/);
  assert.match(broken((d) => { delete d.remediations[d.results[0].remediation].warnings; }), /result 1: no warnings/);
});

test('real version 2 reports are what gkecheck.d.ts declares', { skip }, () => {
  const reports = cases().map((args) => JSON.parse(gkecheck(['--report-version', '2', '--show-passing', ...args])));
  const dir = mkdtempSync(join(tmpdir(), 'gkecheck-types-v2-'));
  const file = join(dir, 'reports.ts');
  writeFileSync(file, `import type { ReportV2, Report } from ${JSON.stringify(`${DIST}/gkecheck.d.ts`)};
import { expandReport } from ${JSON.stringify(`${DIST}/report-v2.js`)};
const reports: ReportV2[] = ${JSON.stringify(reports, null, 1)};
const expanded: Report[] = reports.map(expandReport);
export { expanded };
`);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, allowJs: true, checkJs: false, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(errors, []);
});
