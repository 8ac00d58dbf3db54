// The page's two engines (run under Node): the first one, without Terraform, must give the
// same report as the full one for everything it reads, and must hand everything else on with
// the error engines.js recognises, never a partial answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const DIST = process.env.GKECHECK_DIST;
const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path) => readFileSync(`${ROOT}${path}`, 'utf8');

async function load(dir) {
  const glue = await import(new URL(`file://${DIST}/${dir}/gkecheck.js`).href);
  glue.initSync({ module: readFileSync(`${DIST}/${dir}/gkecheck_bg.wasm`) });
  return glue;
}

const inputs = (...list) => JSON.stringify(list.map(([name, text, format]) => ({ name, text, format })));

test('the first engine gives the full engine\'s report, byte for byte, for gcloud output and plans', async () => {
  assert.ok(DIST, 'GKECHECK_DIST must name dist/ (cargo xtask ci sets it)');
  const [first, full] = [await load('pkg-gcloud'), await load('pkg')];
  const cases = [
    ...readdirSync(`${ROOT}www/examples`).filter((f) => f.endsWith('.json')).map((f) => [[f, read(`www/examples/${f}`)]]),
    [['hardened-cluster.json', read('tests/fixtures/gcloud/hardened-cluster.json')]],
    [['plan.json', read('tests/fixtures/plans/module-pools.tfplan.json')]],
    // A cluster and its IAM policy as two inputs, a YAML describe, a broken one.
    [['c.json', read('www/examples/vulnerable-cluster.json')], ['iam.json', read('www/examples/vulnerable-iam-policy.json')]],
    [['c.yaml', 'name: prod\nlocation: europe-west1\nnodePools:\n- name: apps\n  config: {}\n']],
    [['broken.json', '{"name": "prod", "nodePools": [']],
  ];
  for (const list of cases) {
    const args = inputs(...list);
    assert.equal(first.checkInputs(args), full.checkInputs(args), list.map(([n]) => n).join(', '));
    assert.equal(first.scriptFor(args), full.scriptFor(args));
  }
  const cluster = read('www/examples/vulnerable-cluster.json');
  assert.equal(first.redact('c.json', cluster, ''), full.redact('c.json', cluster, ''));
  assert.equal(first.rulesJson(), full.rulesJson());
  assert.equal(first.maxInputBytes(), full.maxInputBytes());
});

test('the first engine hands Terraform, fixes and Terraform exercises to the full engine', async () => {
  const [first, full] = [await load('pkg-gcloud'), await load('pkg')];
  const { NEEDS_FULL } = await import(new URL(`file://${DIST}/engines.js`).href);
  const handsOn = (call, what) => assert.throws(call, (e) => e.message.startsWith(NEEDS_FULL), what);
  const tf = read('www/examples/terraform-cluster.tf');
  const manifest = '{"Modules": [{"Key": "", "Source": "", "Dir": "."}]}';
  for (const list of [
    [['main.tf', tf]],
    [['pasted', tf]],
    [['input', tf, 'terraform']],
    [['terraform.tfvars', 'project = "p"\n']],
    [['.terraform/modules/modules.json', manifest]],
    // One Terraform input among gcloud ones: the whole check goes to the full engine.
    [['c.json', read('www/examples/vulnerable-cluster.json')], ['main.tf', tf]],
  ]) {
    handsOn(() => first.checkInputs(inputs(...list)), list.map(([n]) => n).join(', '));
    handsOn(() => first.scriptFor(inputs(...list)));
    assert.doesNotThrow(() => full.checkInputs(inputs(...list)));
  }
  handsOn(() => first.fixInputs(inputs(['main.tf', tf]), null));
  // Secrets in Terraform are the full engine's to remove: the first never answers without them.
  const secret = 'resource "google_container_cluster" "c" {\n  master_auth {\n    password = "hunter2"\n  }\n}\n';
  handsOn(() => first.redact('main.tf', secret, ''));
  handsOn(() => first.redact('pasted', secret, 'terraform'));
  assert.ok(!JSON.parse(full.redact('main.tf', secret, '')).text.includes('hunter2'));
  const scenario = read('www/scenarios/04-terraform-default-pool.json');
  handsOn(() => first.exercise(scenario, ''));
  assert.ok(!('scenarioError' in JSON.parse(full.exercise(scenario, ''))));
});

test('the warm-up input is gcloud output the first engine reads whole, with pools that fail and pass', async () => {
  const first = await load('pkg-gcloud');
  const { warmUpInput } = await import(new URL(`file://${DIST}/engines.js`).href);
  // The large one the worker checks last: about 160 KB, the size of a large paste.
  const large = warmUpInput(40);
  assert.ok(large[0].text.length > 150000, `${large[0].text.length} bytes`);
  assert.equal(JSON.parse(first.checkInputs(JSON.stringify(large), JSON.stringify({ passing: 'counted' }))).headline.length, 40);
  const input = JSON.stringify(warmUpInput());
  const text = JSON.parse(input)[0].text;
  assert.ok(text.length > 20000 && text.length < 40000, `${text.length} bytes`);
  const report = JSON.parse(first.checkInputs(input, JSON.stringify({ passing: 'counted' })));
  assert.equal(report.summary.errors, 0);
  assert.deepEqual(report.inputs.map((i) => [i.format, i.error ?? null]), [['gcloud-json', null]]);
  assert.equal(report.headline.length, 6);
  const failing = report.results.filter((r) => r.status === 'fail');
  // The metadata rule fails some pools and passes others; fixes are drafted for the failures.
  assert.ok(failing.some((r) => r.rule === 'GKE001'));
  assert.ok(report.headline.every((h) => h.pools_total === 4), JSON.stringify(report.headline[0]));
  assert.ok(report.summary.pass > 50, `${report.summary.pass}`);
  assert.ok(failing.every((r) => r.remediation), 'every failure has its fix');
});

test('the page\'s texts for checkTexts are each input\'s UTF-8, one after another, past ASCII too', async () => {
  const { textsOf } = await import(new URL(`file://${DIST}/engines.js`).href);
  const encode = (text) => new TextEncoder().encode(text);
  const cases = [
    ['ASCII alone', ['{"name": "a"}', 'name: b\n', '']],
    ['one input', ['{"clusters": []}']],
    ['past ASCII first', ['name: été-🚀\n', 'name: b\n']],
    // A text past ASCII that fits in the room of the ASCII text after it, which then does not.
    ['past ASCII, then room', ['é', 'abcdef']],
    ['past ASCII last', ['name: a\n', 'name: ü\n']],
    ['a lone surrogate', ['x\ud800y']],
    ['nothing', []],
  ];
  for (const [what, texts] of cases) {
    const inputs = texts.map((text, k) => ({ name: `input ${k}.yaml`, text, format: k === 0 ? 'gcloud' : undefined }));
    const [list, bytes] = textsOf(inputs);
    const each = texts.map(encode);
    assert.deepEqual(JSON.parse(list), inputs.map((i, k) => ({ name: i.name, ...(i.format ? { format: i.format } : {}), bytes: each[k].length })), what);
    assert.deepEqual([...bytes], each.flatMap((b) => [...b]), what);
  }
});

test('the inputs as UTF-8 bytes give the report the text gives, and bytes that are not UTF-8 a clear error', async () => {
  const { invoke, PAGE_CHECK } = await import(new URL(`file://${DIST}/engines.js`).href);
  const encode = (text) => new TextEncoder().encode(text);
  // Names and text past ASCII: the bytes are UTF-8, the report's offsets UTF-16 either way.
  const list = [
    ['cluster é.json', read('www/examples/vulnerable-cluster.json').replace('"shop-prod"', '"shop-prod-été-🚀"')],
    ['iam.json', read('www/examples/vulnerable-iam-policy.json')],
  ];
  const options = JSON.stringify(PAGE_CHECK);
  for (const engine of [await load('pkg-gcloud'), await load('pkg')]) {
    const text = inputs(...list);
    const report = engine.checkInputs(text, options);
    assert.match(report, /été-🚀/);
    assert.equal(engine.checkInputsUtf8(encode(text), options), report);
    assert.equal(engine.checkInputsUtf8(encode(text)), engine.checkInputs(text));
    // Each text's bytes beside a list of the names and sizes (checkTexts): the same report.
    const texts = list.map(([, t]) => encode(t));
    const sizes = JSON.stringify(list.map(([name], k) => ({ name, format: 'auto', bytes: texts[k].length })));
    const both = new Uint8Array([...texts[0], ...texts[1]]);
    assert.equal(engine.checkTexts(sizes, both, options), report);
    assert.equal(engine.checkTexts(sizes, both), engine.checkInputs(text));
    // The page's own call goes through invoke, with the inputs as objects or as text.
    assert.equal(invoke(engine, 'checkInputs', [text, options]), report);
    assert.equal(invoke(engine, 'checkInputs', [JSON.parse(text), options]), report);
    // Objects that are not inputs get the engine's own answer, as text would.
    assert.throws(() => invoke(engine, 'checkInputs', [[{ name: 'x.json' }], options]), /an input without a text/);
    const broken = encode(text);
    const at = broken.indexOf(0xc3);
    broken[at] = 0xff;
    assert.throws(() => engine.checkInputsUtf8(broken, options), (e) => e.message === `expected the inputs' JSON as UTF-8 (byte ${at} is not)`);
    const wrong = both.slice();
    const inText = wrong.indexOf(0xc3);
    wrong[inText] = 0xff;
    assert.throws(() => engine.checkTexts(sizes, wrong, options), (e) => e.message === `expected the text of input cluster é.json as UTF-8 (its byte ${inText} is not)`);
    // Sizes that do not add up to the bytes given, either way.
    assert.throws(() => engine.checkTexts(sizes, both.subarray(1), options), /input iam\.json of \d+ bytes, where \d+ are left of the texts/);
    assert.throws(() => engine.checkTexts(sizes, new Uint8Array([...both, 32]), options), /1 byte of texts after the last input's/);
    assert.throws(() => engine.checkTexts('[{"name": "a.json"}]', both, options), /input a\.json without its size in bytes/);
  }
});
