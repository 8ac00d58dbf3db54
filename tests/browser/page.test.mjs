// End-to-end tests of the gkecheck page in a real browser (Debian's Chromium, driven by
// Playwright). `cargo xtask ci` builds dist/, serves it, and runs these with GKECHECK_URL set.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterLoad, launch, open as openUrl } from './helpers.mjs';

const URL_ = process.env.GKECHECK_URL;
const ORIGIN = URL_ && new URL(URL_).origin;
const example = (name) => readFileSync(new URL(`../../www/examples/${name}`, import.meta.url), 'utf8');
const b64url = (text) => Buffer.from(text, 'utf8').toString('base64url');

let browser;

before(async () => {
  assert.ok(URL_, 'GKECHECK_URL must name the served dist/ (cargo xtask ci sets it)');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

// A page with every request recorded, and page errors collected. The page hides passing
// results at first; most tests look at them too, so `showPassing` (default) shows them.
async function open(path = '', { showPassing = true } = {}) {
  const opened = await openUrl(browser, URL_ + path);
  if (showPassing) {
    await opened.page.uncheck('#hide-passing');
    // A check that began before (passing results counted) is followed by one that lists them.
    await opened.page.waitForSelector('#results[data-passing="listed"]', { state: 'attached' });
  }
  return opened;
}

async function paste(page, text, format = 'auto') {
  await page.selectOption('#format', format);
  await page.fill('#input', text);
}

const result = (page, rule, status, name) =>
  page.locator(`#results .result[data-rule="${rule}"][data-status="${status}"][data-name=${JSON.stringify(name)}]`);

test('the page loads with an example and shows its failing pools', async () => {
  const { page, errors } = await open('', { showPassing: false });
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  // The answer first: the headline above the results, with its test hooks.
  assert.equal(await page.getAttribute('#headline', 'data-pools-total'), '2');
  assert.equal(await page.getAttribute('#headline', 'data-pools-exposed'), '2');
  assert.match(await page.textContent('#headline'), /Workload metadata, cluster shop-prod: 0 of 2 node pools run the GKE metadata server; 2 expose the node's token: default-pool, batch\./);
  assert.match(await page.textContent('#headline'), /Failing: 4 high, 10 medium, 6 low\./);
  const [headline, results] = await Promise.all(['#headline', '#results'].map((s) => page.locator(s).boundingBox()));
  assert.ok(headline.y < results.y, 'the headline comes before the results');
  // Within a cluster, the engine's ranking: failing first, the worst severity first.
  const first = page.locator('#results .result').first();
  assert.equal(await first.getAttribute('data-status'), 'fail');
  assert.equal(await first.getAttribute('data-rule'), 'GKE001');
  assert.equal(await result(page, 'GKE001', 'fail', 'default-pool').count(), 1);
  assert.equal(await result(page, 'GKE002', 'fail', 'shop-prod').count(), 1);
  assert.match(await page.textContent('#status'), /^20 failing, 19 passing\. Checked locally in [\d.]+ ms\.$/);
  const ms = Number(await page.getAttribute('#results', 'data-check-ms'));
  assert.ok(ms >= 0 && ms < 5000, `data-check-ms ${ms}`);
  // The engine's own share of the round trip, measured in the worker (the bench reads it).
  const own = Number(await page.getAttribute('#results', 'data-engine-ms'));
  assert.ok(own > 0 && own <= ms, `data-engine-ms ${own} of data-check-ms ${ms}`);
  // Passing results are counted, not shown (the engine only counts them), and can be shown;
  // the status line counts them either way.
  assert.equal(await page.isChecked('#hide-passing'), true);
  assert.equal(await page.locator('#results .result[data-status="pass"]').count(), 0);
  assert.equal(await page.locator('#results .result[data-status="fail"]').count(), 20);
  assert.equal(await page.textContent('#results .hidden-passing'), '19 passing not shown.');
  await page.uncheck('#hide-passing');
  await page.locator('#results .result[data-status="pass"]').first().waitFor();
  assert.equal(await page.locator('#results .result[data-status="pass"]').count(), 19);
  await page.check('#hide-passing');
  await page.locator('#results .hidden-passing').first().waitFor();
  assert.equal(await page.locator('#results .result[data-status="pass"]').count(), 0);
  // After the example's check, the worker warms the engine (worker.js) and says so; checks
  // go on as before.
  await page.waitForSelector('html[data-warm]', { state: 'attached' });
  // A cluster that fails nothing still has its group, with its passing count.
  await paste(page, example('hardened-cluster.json'));
  await page.waitForFunction(() => document.querySelector('#results h3')?.textContent.includes('(passing)'));
  assert.match(await page.textContent('#results .cluster-group'), /passing not shown\./);
  assert.match(await page.textContent('#status'), /^0 failing, \d+ passing/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pasting a cluster checks it, the fix can be copied, and a click selects the offending text', async () => {
  const { page, requests, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;

  await paste(page, example('hardened-cluster.json'));
  await result(page, 'GKE001', 'pass', 'batch').waitFor();
  assert.equal(await page.locator('#results .result[data-status="fail"]').count(), 0);

  const text = example('vulnerable-cluster.json');
  await paste(page, text);
  const batch = result(page, 'GKE001', 'fail', 'batch');
  await batch.waitFor();
  assert.match(await batch.locator('.message').textContent(), /GCE_METADATA exposes the node's metadata server/);
  // The fix is one click away, and laid out when opened.
  await batch.locator('details.fix summary').first().click();
  await batch.locator('details.fix pre').first().waitFor();
  const commands = await batch.locator('pre').allTextContents();
  assert.ok(commands.includes('gcloud container node-pools update batch --cluster=shop-prod --location=europe-west1 --project=acme-shop-prod --workload-metadata=GKE_METADATA'), commands.join('\n'));
  assert.ok(commands.includes('gcloud container clusters update shop-prod --location=europe-west1 --project=acme-shop-prod --workload-pool=acme-shop-prod.svc.id.goog'));

  // Terraform's fix comes from the full engine, asked for when it is opened, as gcloud's.
  await paste(page, example('terraform-cluster.tf'));
  await page.waitForFunction(() => document.getElementById('detected').textContent === 'Detected: Terraform');
  const tfBatch = result(page, 'GKE001', 'fail', 'batch');
  await tfBatch.locator('details.fix summary').first().click();
  await tfBatch.locator('details.fix pre').first().waitFor();
  const hcl = await tfBatch.locator('pre').allTextContents();
  assert.ok(hcl.includes('workload_metadata_config {\n  mode = "GKE_METADATA"\n}'), hcl.join('\n---\n'));
  // The full engine is all it fetched.
  assert.deepEqual(requests.slice(loaded).map((u) => new URL(u).pathname), ['/pkg/gkecheck.js', '/pkg/gkecheck_bg.wasm']);
  const withFull = requests.length;
  await paste(page, text);
  await page.waitForFunction(() => document.getElementById('detected').textContent === 'Detected: gcloud JSON');

  await batch.locator('button.goto').first().click();
  const selected = await page.evaluate(() => {
    const input = document.getElementById('input');
    return input.value.slice(input.selectionStart, input.selectionEnd);
  });
  assert.equal(selected, '"GCE_METADATA"');

  // Typing re-checks without any request; nothing ever went to another origin.
  await page.locator('#input').press('End');
  await page.keyboard.type(' ');
  await page.waitForTimeout(300);
  assert.deepEqual(requests.slice(withFull), [], 'no request after load');
  assert.deepEqual(requests.filter((u) => new URL(u).origin !== ORIGIN), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link with #input= fills the page and checks it, Terraform included', async () => {
  const tf = example('terraform-cluster.tf');
  const { page, requests } = await open(`#input=${b64url(tf)}`);
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  // Passing results rank last, laid out after the worst: they may come a task later.
  await result(page, 'GKE001', 'pass', 'web').waitFor({ state: 'attached' });
  assert.equal(await result(page, 'GKE001', 'pass', 'web').count(), 1);
  assert.equal(await page.inputValue('#input'), tf);
  assert.equal(await page.textContent('#detected'), 'Detected: Terraform');
  // Only the page's own files were loaded, nothing from elsewhere.
  assert.ok(requests.every((u) => new URL(u).origin === ORIGIN), requests.join('\n'));
  await page.close();
});

test('pasted text is shown as text, never as HTML', async () => {
  const { page, requests } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  const hostile = JSON.stringify({
    name: '<img src=x onerror="window.__pwned=1">',
    nodePools: [{ name: '<script>window.__pwned=2</script>', config: {} }],
  });
  await paste(page, hostile);
  const pool = result(page, 'GKE001', 'fail', '<script>window.__pwned=2</script>');
  await pool.waitFor();
  assert.equal(await pool.locator('.resource').textContent(), 'node pool <script>window.__pwned=2</script>');
  assert.equal(await result(page, 'GKE002', 'fail', '<img src=x onerror="window.__pwned=1">').count(), 1);
  assert.equal(await page.locator('#results img, #results script').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(requests.slice(loaded), [], 'no image or script was fetched');
  await page.close();
});

test('bad and hostile input gets a located error and the page keeps working', async () => {
  const { page, errors } = await open();
  await paste(page, '{\n  "name": "prod",\n  "nodePools": [}\n');
  await page.locator('#errors .input-error').waitFor();
  assert.match(await page.textContent('#errors'), /Line 3, column 17: expected a JSON value/);

  await page.evaluate(() => {
    const input = document.getElementById('input');
    input.value = '['.repeat(200000);
    input.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => /at most 256 levels/.test(document.getElementById('errors').textContent));

  await page.selectOption('#format', 'terraform');
  await page.evaluate(() => {
    const input = document.getElementById('input');
    input.value = 'resource "google_container_cluster" "c" {\n  x = ' + '['.repeat(200000) + '\n}\n';
    input.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => /Line 2, column \d+: .*nested/.test(document.getElementById('errors').textContent));

  // A 50 MB paste is refused with a clear message, before the text area takes it.
  await page.selectOption('#format', 'auto');
  const inserted = await page.evaluate(() => {
    const input = document.getElementById('input');
    input.value = '';
    const data = new DataTransfer();
    data.setData('text/plain', '{"name": "x", "nodePools": []}\n'.repeat(1_700_000));
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    return input.value.length;
  });
  assert.equal(inserted, 0);
  assert.match(await page.textContent('#notice'), /it is 50\.3 MiB, and gkecheck reads at most 32 MiB/);
  // The engine refuses it too, when it gets there another way.
  const report = await page.evaluate(() => window.gkecheck.check('{"name": "x", "nodePools": []}\n'.repeat(1_700_000)));
  assert.match(report.inputs[0].error.message, /expected at most 32 MiB, found 50\.3 MiB/);

  await paste(page, example('vulnerable-cluster.json'));
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('hostile inputs give errors or results in the page, never a trap', async () => {
  const { page, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const doubling = ['locals {', '  s0 = "xy"', '  l0 = [1, 2]',
    ...Array.from({ length: 39 }, (_, i) => `  s${i + 1} = "\${local.s${i}}\${local.s${i}}"\n  l${i + 1} = [local.l${i}, local.l${i}]`),
    '}', 'resource "google_container_node_pool" "p" {', '  cluster  = "c"', '  for_each = local.l39', '  node_config {',
    '    workload_metadata_config {', '      mode = local.s39', '    }', '  }', '}'].join('\n');
  const cases = [
    // [text, format, what the report must say]
    ['name: "abc\n  é"x\n', 'gcloud-yaml', /expected the end of the line after the quoted value/],
    ['resource "google_container_node_pool" "p" {\n  count = 1e300\n  cluster = "c"\n}\n', 'terraform', /gkecheck's limit/],
    ['resource "google_container_node_pool" "p" {\n  count = 1e9\n  cluster = "c"\n}\n', 'terraform', /gkecheck's limit/],
    ['variable "a" {\n  default = [var.a, var.a]\n}\nresource "google_container_node_pool" "p" {\n  cluster = "c"\n  node_config {\n    workload_metadata_config {\n      mode = var.a\n    }\n  }\n}\n', 'terraform', /refers to itself|list where a string/],
    [doubling, 'terraform', /gkecheck's limit/],
    ['['.repeat(100000) + ']'.repeat(100000), 'gcloud-json', /256/],
    ['\ufeffresource "google_container_node_pool" "p" {\r  cluster = "c"\r}\r', 'terraform', /GKE_METADATA|metadata/],
    ['a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n', 'gcloud-yaml', /anchors and aliases are not supported/],
    ['resource "google_container_node_pool" "p\u0000" {\n  cluster = "c"\n}\n', 'terraform', /GKE001/],
    [Array.from({ length: 20000 }, (_, i) => `resource "google_compute_address" "a${i}" {\n  name = "a${i}"\n}\n`).join('')
      + 'resource "google_container_node_pool" "p" {\n  cluster = "c"\n}\n', 'terraform', /GKE001/],
    [`{"name": "c", "description": "${'x'.repeat(30 << 20)}", "nodePools": []}`, 'gcloud-json', /no node pool in the input/],
  ];
  for (const [text, format, says] of cases) {
    const report = await page.evaluate(([t, f]) => window.gkecheck.check(t, f), [text, format]);
    const words = JSON.stringify(report);
    assert.match(words, says, `${text.slice(0, 60)}: ${words.slice(0, 300)}`);
  }
  // The engine never restarted: no internal error was shown.
  assert.equal(await page.locator('#notice [data-internal-error]').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the answer first: skip link, filters, Escape and the way back, at desktop and phone width', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const page = await browser.newPage({ viewport });
    await page.goto(URL_);
    await page.waitForSelector('html[data-ready]');
    // Passing results listed, for the status filter below (set without moving the focus,
    // which the keyboard steps start from).
    await page.evaluate(() => {
      const box = document.getElementById('hide-passing');
      box.checked = false;
      box.dispatchEvent(new Event('change'));
    });
    await page.locator('#results .result[data-status="pass"]').first().waitFor();
    // The answer and the worst finding are on screen without scrolling.
    for (const selector of ['#headline .answer', '#headline .worst']) {
      const box = await page.locator(selector).boundingBox();
      assert.ok(box && box.y + box.height <= viewport.height, `${selector} at ${viewport.width}px: ${JSON.stringify(box)}`);
    }
    assert.match(await page.textContent('#headline .worst'), /Worst finding: GKE001 \(high\), node pool default-pool/);
    // The first Tab reaches the skip link, which leads to the results.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement.id === 'results-heading');
    // Filters by severity, rule and status.
    await page.selectOption('#filter-severity', 'high');
    const severities = await page.locator('#results .result .severity').allTextContents();
    assert.ok(severities.length && severities.every((s) => s === 'high' || s === 'critical'), severities.join());
    await page.selectOption('#filter-rule', 'GKE017');
    assert.equal(await page.locator('#results .result').count(), 0, 'no high GKE017 finding');
    await page.selectOption('#filter-severity', '');
    assert.deepEqual([...new Set(await page.locator('#results .result').evaluateAll((n) => n.map((e) => e.dataset.rule)))], ['GKE017']);
    await page.selectOption('#filter-rule', '');
    await page.selectOption('#filter-status', 'pass');
    assert.deepEqual([...new Set(await page.locator('#results .result').evaluateAll((n) => n.map((e) => e.dataset.status)))], ['pass']);
    await page.selectOption('#filter-status', '');
    // A finding is compact: its fix is one click away, not open.
    const batch = result(page, 'GKE001', 'fail', 'batch');
    assert.equal(await batch.locator('details.fix').first().getAttribute('open'), null);
    // "About" and "Line N" lead away; Escape comes back to the finding.
    await batch.locator('button.about').click();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'About GKE001');
    await batch.locator('button.goto').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'input');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'goto');
    // Escape closes a panel and returns to its button.
    await page.click('#script-button');
    await page.locator('#fix:not([hidden])').waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#fix').isHidden(), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'script-button');
    await page.close();
  }
});

test('a panic in the engine shows an error and the page recovers', async () => {
  const { page } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const panicked = await page.evaluate(() => window.gkecheck.selfTestPanic());
  assert.equal(panicked, true);
  await page.locator('#notice [data-internal-error]').waitFor();
  assert.match(await page.textContent('#notice'), /internal error and was restarted/);
  // The fresh instance checks again, by itself and on new input.
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  assert.match(await page.textContent('#notice'), /internal error/);
  // The notice goes once the person edits the input.
  await paste(page, example('hardened-cluster.json'));
  await result(page, 'GKE001', 'pass', 'batch').waitFor();
  assert.equal(await page.textContent('#notice'), '');
  await page.close();
});

test('the page forbids other origins in its Content-Security-Policy', async () => {
  const { page } = await open();
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.doesNotMatch(csp, /https?:|\*/);
  const blocked = await page.evaluate(async () => {
    try { await fetch('http://example.invalid/'); return false; } catch { return true; }
  });
  assert.equal(blocked, true);
  await page.close();
});

const fixture = (rel) => new URL(`../fixtures/${rel}`, import.meta.url).pathname;

test('a whole folder is opened, checked as one Terraform tree, and results say which file', async () => {
  const { page, requests, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.setInputFiles('#open-folder', fixture('terraform/repo'));
  const web = result(page, 'GKE001', 'pass', 'web');
  await web.waitFor();
  assert.equal(await web.getAttribute('data-input'), 'repo/modules/gke/main.tf');
  assert.equal(await result(page, 'GKE001', 'unknown', 'extra').count(), 1);
  // Only the files Terraform itself would read: prod.tfvars is not auto-loaded.
  const files = await page.locator('#file option').allTextContents();
  assert.deepEqual(files.map((f) => f.replace(/ \(.*\)$/, '')),
    ['repo/main.tf', 'repo/modules/gke/main.tf', 'repo/terraform.tfvars', 'repo/variables.tf']);
  assert.match(await page.textContent('#errors'), /repo\/main\.tf, line 10: module "legacy"/);
  // A click on a finding in another file shows that file and selects the place.
  await web.locator('button.goto').first().click();
  assert.equal(await page.inputValue('#file'), '1');
  const selected = await page.evaluate(() => {
    const input = document.getElementById('input');
    return input.value.slice(input.selectionStart, input.selectionEnd);
  });
  assert.equal(selected, 'workload_metadata_config.value');
  assert.deepEqual(afterLoad(requests, loaded), [], 'files are read in the page, never sent');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a folder after terraform init: the downloaded module is read as its manifest lists it, nothing else of .terraform', async () => {
  const { page, requests, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.setInputFiles('#open-folder', fixture('terraform/initialized'));
  const batch = page.locator('#results .result[data-rule="GKE001"][data-status="fail"][data-name="batch"][data-input="initialized/.terraform/modules/gke/modules/pool/main.tf"]');
  await batch.waitFor();
  await result(page, 'GKE001', 'pass', 'web').waitFor();
  // Both pools joined the module's cluster, named as GKE knows it.
  assert.match(await page.textContent('#headline'), /cluster shop: 1 of 2 node pools run the GKE metadata server; 1 exposes the node's token: batch/);
  const files = await page.locator('#file option').allTextContents();
  assert.deepEqual(files.map((f) => f.replace(/ \(.*\)$/, '')), [
    'initialized/.terraform/modules/gke/main.tf',
    'initialized/.terraform/modules/gke/modules/pool/main.tf',
    'initialized/.terraform/modules/modules.json',
    'initialized/main.tf',
  ]);
  assert.deepEqual(afterLoad(requests, loaded), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('several files can be opened or dropped, each its own input', async () => {
  const { page, requests } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.setInputFiles('#open-files', [fixture('plans/module-pools.tfplan.json'), fixture('terraform/repo/main.tf')]);
  await page.locator('#results .result[data-rule="GKE001"][data-input="module-pools.tfplan.json"][data-status="fail"][data-name="web"]').waitFor();
  // Unknown results rank after the failures, which are laid out first: it may come a task later.
  await result(page, 'GKE001', 'unknown', 'extra').waitFor({ state: 'attached' });
  assert.equal(await result(page, 'GKE001', 'unknown', 'extra').count(), 1);

  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['name: dropped\nnodePools:\n- name: pool-a\n  config: {}\n'], 'dropped.yaml'));
    const editor = document.querySelector('.editor');
    editor.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  const dropped = page.locator('#results .result[data-rule="GKE001"][data-input="dropped.yaml"][data-status="fail"][data-name="pool-a"]');
  await dropped.waitFor();
  assert.match(await dropped.locator('button.goto').textContent(), /^dropped\.yaml, line 3$/);
  assert.deepEqual(afterLoad(requests, loaded), []);
  await page.close();
});

test('a shared link carries the check without its secrets, and opens it again', async () => {
  const { page, requests, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  const secret = {
    name: 'prod',
    masterAuth: {
      username: 'admin',
      password: 'hunter2-very-secret',
      clientKey: 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==',
      clusterCaCertificate: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
    },
    nodePools: [{ name: 'apps', config: { workloadMetadataConfig: { mode: 'GCE_METADATA' } } }],
  };
  await paste(page, JSON.stringify(secret, null, 2));
  await result(page, 'GKE001', 'fail', 'apps').waitFor();
  await page.click('#share-button');
  await page.locator('#share:not([hidden])').waitFor();
  const link = await page.inputValue('#share-link');
  assert.match(link, /#z=[A-Za-z0-9_-]+$/);
  for (const leaked of ['hunter2', 'LS0tLS1CRUdJTiBSU0E', 'LS0tLS1CRUdJTiBDRVJU']) assert.ok(!link.includes(leaked));
  const removed = await page.textContent('#share-removed');
  assert.match(removed, /masterAuth\.password \(line 5\), masterAuth\.clientKey \(line 6\), masterAuth\.clusterCaCertificate \(line 7\)/);
  assert.deepEqual(requests.slice(loaded), [], 'making a link sends nothing');

  const again = await openUrl(browser, link);
  await result(again.page, 'GKE001', 'fail', 'apps').waitFor();
  const text = await again.page.inputValue('#input');
  assert.ok(!text.includes('hunter2') && text.includes('"password": "REDACTED"') && text.includes('"username": "admin"'));
  assert.ok(again.requests.every((u) => new URL(u).origin === new URL(URL_).origin));
  assert.deepEqual([...errors, ...again.errors], []);

  // A long input gets a warning about the link's length.
  const pools = Array.from({ length: 200 }, (_, i) => ({ name: `pool-${i}-${Math.random().toString(36).slice(2)}`, config: {} }));
  await paste(page, JSON.stringify({ name: 'big', nodePools: pools }));
  await page.click('#share-button');
  await page.waitForFunction(() => /characters long/.test(document.getElementById('share-warning').textContent));
  await page.close();
  await again.page.close();
});

test('two embeds and an iframe on a host page: isolated styles, one engine, nothing sent', async () => {
  const { page, requests, errors } = await openUrl(browser, `${URL_}embed-example.html`, { ready: false });
  const readonly = page.locator('#readonly-example .result[data-rule="GKE001"][data-status="fail"][data-name="batch"]');
  await readonly.waitFor();
  // rules="GKE001": only GKE001 results in the first embed.
  assert.equal(await page.locator('#readonly-example .result[data-rule="GKE002"]').count(), 0);
  const editable = page.locator('#editable-example .result[data-rule="GKE001"][data-status="fail"][data-name="batch"]');
  await editable.waitFor();
  const frame = page.frameLocator('#iframe-example');
  await frame.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="p"]').waitFor();

  // The embeds render findings with the page's own report view: compact (status, rule, the
  // rule's failing title, severity, resource, place), the fix collapsed one click away.
  const rules = await page.evaluate(() => import('./report-view.js').then((m) => m.loadRules()));
  const gke001 = rules.find((r) => r.id === 'GKE001');
  assert.equal(await editable.locator('.result-head .title').textContent(), gke001.title);
  assert.equal(await editable.locator('.result-head .severity').textContent(), gke001.severity);
  assert.equal(await editable.locator('details.fix').evaluate((d) => d.open), false);
  await editable.locator('summary').first().click();
  assert.equal(await editable.locator('details.fix').first().evaluate((d) => d.open), true);
  // "Line N" in an editable embed selects the pool in its text; a read-only one names the line.
  await editable.locator('.result-head button.goto').click();
  const selected = await page.evaluate(() => {
    const area = document.getElementById('editable-example').shadowRoot.querySelector('textarea');
    return area.value.slice(area.selectionStart, area.selectionEnd);
  });
  assert.match(selected, /batch|node_pool|workload_metadata|hardened/);
  assert.match(await readonly.locator('.where').textContent(), /^Line \d+$/);

  // The host page's styles do not reach inside, and the embed's do not leak out.
  await page.evaluate(() => {
    const hostile = new CSSStyleSheet();
    hostile.replaceSync('li, pre, textarea, p, span { display: none !important; color: red !important; } body { color: rgb(1, 2, 3); }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, hostile];
  });
  assert.equal(await readonly.isVisible(), true);
  assert.notEqual(await readonly.locator('.message').evaluate((e) => getComputedStyle(e).color), 'rgb(255, 0, 0)');
  assert.equal(await page.locator('h1').evaluate((e) => getComputedStyle(e).color), 'rgb(1, 2, 3)');

  // Editing an embed checks again, with no request.
  const loaded = requests.length;
  const textarea = page.locator('#editable-example textarea');
  const text = await textarea.inputValue();
  await textarea.fill(text.replace('hardened = false', 'hardened = true'));
  await page.locator('#editable-example .result[data-rule="GKE001"][data-status="pass"][data-name="batch"]').waitFor();
  assert.deepEqual(afterLoad(requests, loaded), []);

  // One engine for both embeds on the page (the iframe is a page of its own).
  const fetched = (name) => requests.filter((u) => u.endsWith(name) && !u.includes('embed.html')).length;
  assert.equal(fetched('/pkg-gcloud/gkecheck_bg.wasm'), 2, 'one engine for the page, one for the iframe');
  assert.equal(fetched('/pkg/gkecheck_bg.wasm'), 1, "the host page's Terraform embed loaded the full engine, once; the iframe holds gcloud output");
  assert.equal(fetched('/worker.js'), 2);
  assert.deepEqual(requests.filter((u) => new URL(u).origin !== new URL(URL_).origin), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('finishing an exercise, with progress kept in the browser, and a scenario file from disk', async () => {
  const context = await browser.newContext();
  const { page, requests, errors } = await openUrl(context, URL_);
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.click('#exercises-button');
  await page.locator('#exercise-list li').nth(7).waitFor();
  assert.equal(await page.locator('#exercise-list li').count(), 8);
  await page.click('#exercise-list li[data-exercise="06-keep-the-export-job-working"] button');
  await page.locator('#exercise-goals li[data-met="false"]').first().waitFor();
  assert.equal(await page.locator('#exercise-goals li').count(), 4);
  // Only the rules the exercise is about are shown; the status line says the rest are hidden.
  const shownRules = await page.$$eval('#results .result', (nodes) => [...new Set(nodes.map((n) => n.dataset.rule))].sort());
  assert.deepEqual(shownRules, ['GKE001', 'GKE002']);
  assert.match(await page.textContent('#status'), /results of rules outside this exercise not shown/);
  // Hints come one at a time, drawn from the rules' docs where they name a rule.
  await page.click('#exercise-hint');
  assert.match(await page.textContent('#exercise-hints'), /workload_identity_config/);

  const scenario = JSON.parse(readFileSync(new URL('../../www/scenarios/06-keep-the-export-job-working.json', import.meta.url), 'utf8'));
  await page.fill('#input', scenario.solution);
  await page.waitForFunction(() => /Exercise complete/.test(document.getElementById('exercise-done').textContent));
  assert.equal(await page.locator('#exercise-goals li[data-met="true"]').count(), 4);
  assert.deepEqual(afterLoad(requests, loaded), [], 'nothing is requested after load: judging happens here');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('gkecheck.exercises.v1')));
  assert.ok(stored['06-keep-the-export-job-working']);

  // Progress survives a reload.
  await page.reload();
  await page.waitForSelector('html[data-ready]');
  await page.click('#exercises-button');
  await page.locator('#exercise-list li[data-exercise="06-keep-the-export-job-working"][data-done="true"]').waitFor();

  // A trainer's own scenario, from a file.
  await page.setInputFiles('#exercise-file', {
    name: 'mine.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({
      id: 'trainer-1', title: 'Trainer scenario', story: 'A story.', task: 'Harden the pool.',
      input: '{"name": "c", "nodePools": [{"name": "p", "config": {}}]}',
      goals: [{ says: 'The pool is hardened', rule: 'GKE001', status: 'pass' }],
    })),
  });
  await page.waitForFunction(() => document.getElementById('exercise-title').textContent === 'Trainer scenario');
  await page.fill('#input', '{"name": "c", "nodePools": [{"name": "p", "config": {"workloadMetadataConfig": {"mode": "GKE_METADATA"}}}]}');
  await page.waitForFunction(() => /Exercise complete/.test(document.getElementById('exercise-done').textContent));
  await page.setInputFiles('#exercise-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"id": 1}') });
  await page.waitForFunction(() => /bad\.json is not a gkecheck scenario/.test(document.getElementById('exercise-message').textContent));
  assert.ok(requests.every((u) => new URL(u).origin === new URL(URL_).origin));
  assert.deepEqual(errors, []);
  await context.close();
});

// WCAG contrast ratio of two CSS rgb() colours.
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, b2] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('keyboard only, words not just colour, AA contrast in light and dark, phone width', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const { page, requests } = await openUrl(context, URL_);
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling at phone width');
  assert.equal(await page.getAttribute('#status', 'role'), 'status');

  // Tab reaches the editor and a finding's "Line" button; Enter on it selects the place.
  await page.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let i = 0; i < 80 && !seen.includes('goto'); i += 1) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className));
  }
  assert.ok(seen.includes('input') && seen.includes('share-button'), seen.join(' '));
  assert.equal(seen[seen.length - 1], 'goto');
  await page.keyboard.press('Enter');
  const selected = await page.evaluate(() => {
    const input = document.getElementById('input');
    return document.activeElement === input && input.selectionEnd > input.selectionStart;
  });
  assert.ok(selected);

  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const pairs = await page.evaluate(() => {
      const style = (e) => getComputedStyle(e);
      const out = [];
      for (const badge of document.querySelectorAll('.result .badge')) {
        out.push([badge.textContent, style(badge).color, style(badge).backgroundColor]);
      }
      out.push(['body', style(document.body).color, style(document.body).backgroundColor]);
      const muted = document.querySelector('.severity');
      out.push(['severity', style(muted).color, style(document.body).backgroundColor]);
      return out;
    });
    for (const [what, fg, bg] of pairs) {
      assert.ok(contrast(fg, bg) >= 4.5, `${colorScheme}: ${what} ${fg} on ${bg} is ${contrast(fg, bg).toFixed(2)}:1`);
    }
    const words = await page.locator('.result .badge').allTextContents();
    assert.ok(words.every((w) => ['FAIL', 'PASS', 'UNKNOWN'].includes(w)), 'each status is a word, not only a colour');
  }
  assert.deepEqual(requests.slice(loaded), []);
  await context.close();
});

test('typing is checked after a pause in it; a paste at once', async () => {
  const context = await browser.newContext();
  // The page's timers on a clock the test moves (no test waits on real time), and the checks
  // sent to the engine counted.
  await context.clock.install();
  await context.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    window.checksSent = 0;
    Worker.prototype.postMessage = function count(message, ...rest) {
      if (message?.method === 'checkInputs') window.checksSent += 1;
      return post.call(this, message, ...rest);
    };
  });
  const { page, errors } = await openUrl(context, URL_);
  await page.locator('#results .result[data-rule="GKE001"][data-status="fail"][data-name="batch"]').waitFor();
  await page.clock.pauseAt(Date.now() + 60_000);
  const sent = () => page.evaluate(() => window.checksSent);
  const before = await sent();

  await page.focus('#input');
  await page.keyboard.press('End');
  await page.keyboard.type(' ');
  await page.clock.runFor(60);
  assert.equal(await sent(), before, 'checked in the middle of typing');
  await page.clock.runFor(100);
  assert.equal(await sent(), before + 1, 'checked after the pause');

  // Sent in the paste's own task: no timer runs, and no frame is drawn, before it.
  const inTask = await page.evaluate(() => {
    const input = document.getElementById('input');
    input.value = input.value.replaceAll('batch', 'pasted');
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    return window.checksSent;
  });
  assert.equal(inTask, before + 2, 'a paste sent to the engine in its own task');
  await page.clock.runFor(200);
  assert.equal(await sent(), before + 2, 'a paste checked once');
  await page.locator('#results .result[data-rule="GKE001"][data-status="fail"][data-name="pasted"]').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('many findings: the worst laid out at once, the rest in short tasks in the order given; a new list stops the old', async () => {
  const { page, errors } = await open('', { showPassing: false });
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const seen = await page.evaluate(async () => {
    const { renderResults } = await import('./report-view.js');
    const finding = (cluster, i) => ({
      rule: 'GKE001', name: 'n', status: 'fail', severity: 'high', message: `m ${cluster} ${i}`,
      resource: { kind: 'node_pool', name: `pool-${i}`, cluster: `c-${cluster}`, address: `a-${cluster}-${i}` },
      location: { input: 'input', line: i + 1, column: 1, end_line: i + 1, end_column: 2, offset: 0, end_offset: 1 },
      remediation: null, suppression: null,
    });
    const many = [];
    for (let c = 0; c < 60; c += 1) for (let i = 0; i < 10; i += 1) many.push(finding(c, i));
    const host = { place: (input, line) => `Line ${line}`, limit: 400 };
    const box = document.createElement('div');
    document.body.append(box);
    const names = () => [...box.querySelectorAll('.result')].map((e) => e.querySelector('.message').textContent);
    renderResults(box, many, host);
    const atOnce = { count: names().length, layingOut: box.dataset.layingOut !== undefined, first: names()[0] };
    // Only those laid out at once are drawn without waiting to be found in view.
    const marked = () => [...box.querySelectorAll('.result')].map((e) => e.classList.contains('at-once'));
    const skipped = () => [...box.querySelectorAll('.result')].map((e) => getComputedStyle(e).contentVisibility);
    while (box.dataset.layingOut !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    const all = names();
    const atOnceMarked = marked();
    const visibility = skipped();
    const more = [...box.querySelectorAll('.show-more')].map((b) => b.textContent);
    // A second list while the first is being laid out: only the second is shown in the end.
    renderResults(box, many, host);
    renderResults(box, many.slice(0, 3), host);
    while (box.dataset.layingOut !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = names();
    box.remove();
    return { atOnce, all, atOnceMarked, visibility, more, after, expected: many.slice(0, 400).map((r) => r.message) };
  });
  assert.deepEqual(seen.atOnce, { count: 3, layingOut: true, first: 'm 0 0' });
  assert.deepEqual(seen.all, seen.expected, 'every finding up to the limit, in the order given');
  assert.deepEqual(seen.atOnceMarked, seen.all.map((_, i) => i < 3), 'the three laid out at once are marked');
  assert.deepEqual(seen.visibility, seen.all.map((_, i) => (i < 3 ? 'visible' : 'auto')), 'the rest are skipped until in view');
  // The 40 groups of 10 fill the limit; each of the other 20 offers its findings.
  assert.deepEqual(seen.more, Array(20).fill('Show 10 more results'), 'the groups past the limit offer the rest');
  assert.deepEqual(seen.after, ['m 0 0', 'm 0 1', 'm 0 2']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('many findings: the rest waits for the first to be painted, and comes without frames too (a hidden tab)', async () => {
  const { page, errors } = await open('', { showPassing: false });
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const seen = await page.evaluate(async () => {
    const { renderResults } = await import('./report-view.js');
    const many = Array.from({ length: 100 }, (_, i) => ({
      rule: 'GKE001', name: 'n', status: 'fail', severity: 'high', message: `m ${i}`,
      resource: { kind: 'node_pool', name: `pool-${i}`, cluster: 'c', address: `a-${i}` },
      location: { input: 'input', line: i + 1, column: 1, end_line: i + 1, end_column: 2, offset: 0, end_offset: 1 },
      remediation: null, suppression: null,
    }));
    const host = { place: (input, line) => `Line ${line}` };
    const box = document.createElement('div');
    document.body.append(box);
    const count = () => box.querySelectorAll('.result').length;
    const laidOut = async () => {
      const until = performance.now() + 5000;
      while (box.dataset.layingOut !== undefined && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return count();
    };
    // In the first frame after the call, the first findings alone (unless 250 ms passed first,
    // when the rest starts without waiting for the paint).
    // A task queued just after the call runs after any the call queued itself: there too.
    const called = performance.now();
    renderResults(box, many, host);
    const nextTask = new Promise((resolve) => setTimeout(() => resolve({ count: count(), ms: performance.now() - called }), 0));
    const inFirstFrame = await new Promise((resolve) => requestAnimationFrame(() => resolve({ count: count(), ms: performance.now() - called })));
    const inNextTask = await nextTask;
    const withFrames = await laidOut();
    // No frames at all, and nothing painted (a hidden tab): the rest is laid out all the same.
    const frame = window.requestAnimationFrame;
    window.requestAnimationFrame = () => 0;
    box.style.visibility = 'hidden';
    let withoutFrames;
    try {
      renderResults(box, many, host);
      withoutFrames = await laidOut();
    } finally {
      window.requestAnimationFrame = frame;
    }
    box.remove();
    return { inFirstFrame, inNextTask, withFrames, withoutFrames };
  });
  for (const at of [seen.inFirstFrame, seen.inNextTask]) {
    if (at.ms < 250) assert.equal(at.count, 3, `${at.ms} ms`);
  }
  assert.equal(seen.withFrames, 100);
  assert.equal(seen.withoutFrames, 100);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 5 MB plan is checked in the Web Worker, and the status line gives the time', async () => {
  const { page, requests } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  const size = await page.evaluate(() => {
    const resources = [];
    for (let i = 0; resources.length * 700 < 5_200_000; i += 1) {
      resources.push({
        address: `google_container_node_pool.p${i}`, mode: 'managed', type: 'google_container_node_pool', name: `p${i}`,
        provider_name: 'registry.terraform.io/hashicorp/google',
        values: {
          name: `pool-${i}`, cluster: 'big', location: 'europe-west1',
          node_config: [{ machine_type: 'e2-standard-4', labels: { team: `team-${i % 17}`, purpose: 'load' },
            oauth_scopes: ['https://www.googleapis.com/auth/cloud-platform'], metadata: { 'disable-legacy-endpoints': 'true' },
            workload_metadata_config: [{ mode: i % 2 ? 'GKE_METADATA' : 'GCE_METADATA' }] }],
        },
      });
    }
    const text = JSON.stringify({ format_version: '1.2', terraform_version: '1.9.5', planned_values: { root_module: { resources } } }, null, 1);
    const input = document.getElementById('input');
    input.value = text;
    input.dispatchEvent(new Event('input'));
    return text.length;
  });
  assert.ok(size > 5_000_000);
  await page.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="pool-0"]').waitFor({ timeout: 60000 });
  assert.match(await page.textContent('#status'), /failing, \d+ passing\. Checked locally in \d+(\.\d)? ms\./);
  assert.ok(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/worker.js'))),
    'the engine runs in the Web Worker');
  assert.deepEqual(requests.slice(loaded), []);
  await page.close();
});

test('Apply fix shows the fixed Terraform beside a diff, to copy, download or use; commands for gcloud', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const { page, requests, errors } = await openUrl(context, URL_);
  await page.uncheck('#hide-passing');
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.click('button[data-example="examples/terraform-cluster.tf"]');
  await result(page, 'GKE002', 'fail', 'shop-prod').waitFor();
  // A waived pool is shown as suppressed, with the waiver.
  const waived = (await page.inputValue('#input')).replace('resource "google_container_node_pool" "pools" {',
    '# gkecheck:ignore GKE001 batch keeps the node identity until the export moves until=2999-01-01\nresource "google_container_node_pool" "pools" {');
  await page.fill('#input', waived);
  const batch = result(page, 'GKE001', 'suppressed', 'batch');
  await batch.waitFor();
  assert.match(await batch.locator('.waived').textContent(), /Waived by gkecheck:ignore until 2999-01-01: batch keeps the node identity/);
  assert.match(await page.textContent('#status'), /1 suppressed/);
  await page.click('button[data-example="examples/terraform-cluster.tf"]');
  await result(page, 'GKE001', 'fail', 'batch').waitFor();

  await page.click('#fix-button');
  await page.locator('#fix:not([hidden]) .fix-file').waitFor();
  const diff = await page.textContent('#fix .diff');
  assert.match(diff, /\+  workload_identity_config \{\n\+    workload_pool = "\$\{var\.project_id\}\.svc\.id\.goog"\n\+  \}/);
  assert.match(await page.textContent('#fix-summary'), /dynamic block/, 'what cannot be fixed is said');
  assert.match(await page.textContent('#fix-summary'), /updates the cluster in place/, 'each fix says its consequence');
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#fix .fix-file button:has-text("Download")')]);
  assert.equal(file.suggestedFilename(), 'main.tf');
  await page.click('#fix .fix-file button:has-text("Use in the editor")');
  await result(page, 'GKE002', 'pass', 'shop-prod').waitFor();
  assert.match(await page.inputValue('#input'), /workload_identity_config \{/);

  // gcloud: all the commands as one script.
  await page.click('button[data-example="examples/vulnerable-cluster.json"]');
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  await page.click('#script-button');
  const script = await page.textContent('#script');
  assert.ok(script.startsWith('#!/usr/bin/env bash\n') && script.includes('# gcloud container node-pools update batch --cluster=shop-prod'));
  // A waiver entry to copy, for an input without comments (laid out when opened).
  const waiver = result(page, 'GKE001', 'fail', 'batch').locator('details:has-text("Accept this risk")');
  await waiver.locator('summary').click();
  assert.match(await waiver.locator('pre').textContent(),
    /\[\[ignore\]\]\nrule = "GKE001"\nresource = "projects\/acme-shop-prod\/locations\/europe-west1\/clusters\/shop-prod\/nodePools\/batch"/);
  assert.deepEqual(afterLoad(requests, loaded).filter((u) => !u.startsWith('blob:')), [], 'nothing requested after load');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the fix dialog checks safe fixes, leaves unsafe ones to the reader, and applies only what is checked', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Record what the page writes to the clipboard.
  await page.addInitScript(() => {
    window.__copied = [];
    navigator.clipboard.writeText = async (text) => { window.__copied.push(text); };
  });
  await page.goto(URL_);
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const tutorial = readFileSync(new URL('../fixtures/terraform/tutorial/gke.tf', import.meta.url), 'utf8');
  await paste(page, tutorial, 'terraform');
  await result(page, 'GKE002', 'fail', 'primary').waitFor();
  await page.click('#fix-button');
  await page.locator('#fix:not([hidden]) .fix-file').waitFor();
  const pool = 'GKE001:google_container_node_pool.primary_nodes';
  const cluster = 'GKE002:google_container_cluster.primary';
  const box = (id) => page.locator(`#fix-summary li[data-fix="${id}"] input[type=checkbox]`);
  assert.equal(await box(cluster).isChecked(), true, 'safe: checked');
  assert.equal(await box(pool).isChecked(), false, 'unsafe: unchecked');
  assert.match(await page.textContent(`#fix-summary li[data-fix="${pool}"]`), /Unsafe: Changing a node pool's metadata mode recreates its nodes/);
  assert.match(await page.textContent(`#fix-summary li[data-fix="${pool}"]`), /Comes with GKE002:google_container_cluster\.primary/);
  // What the default writes: Workload Identity, no metadata server, no secure boot.
  let diff = await page.textContent('#fix .diff');
  assert.match(diff, /\+    workload_pool = "\$\{var\.project_id\}\.svc\.id\.goog"/);
  assert.doesNotMatch(diff, /GKE_METADATA|enable_secure_boot/);
  // Unchecking the cluster's fix unchecks the pool's, which needs it; checking the pool's
  // checks the cluster's again.
  await box(pool).check();
  await box(cluster).uncheck();
  assert.equal(await box(pool).isChecked(), false);
  await box(pool).check();
  assert.equal(await box(cluster).isChecked(), true);
  await page.click('#fix-apply');
  await page.waitForFunction(() => document.querySelector('#fix .diff')?.textContent.includes('GKE_METADATA'));
  diff = await page.textContent('#fix .diff');
  assert.match(diff, /\+      mode = "GKE_METADATA"/);
  assert.doesNotMatch(diff, /enable_secure_boot/, 'an unchecked unsafe fix is not applied');
  assert.match(await page.textContent('#fix-files'), /2 fixes applied, each checked again/);

  // Terraform alone: nothing to run with gcloud, and the clipboard is left alone.
  await page.click('#script-button');
  await page.waitForFunction(() => document.querySelector('#fix-summary').textContent.includes('Nothing to run with gcloud'));
  assert.deepEqual(await page.evaluate(() => window.__copied), []);
  // gcloud output: the script is copied, with the unsafe steps commented out.
  await page.click('button[data-example="examples/vulnerable-cluster.json"]');
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  await page.click('#script-button');
  await page.waitForFunction(() => window.__copied.length === 1);
  const script = (await page.evaluate(() => window.__copied))[0];
  assert.match(script, /\n# gcloud container node-pools update batch --cluster=shop-prod .*--workload-metadata=GKE_METADATA\n/);
  assert.match(script, /\ngcloud container clusters update shop-prod .*--workload-pool=acme-shop-prod\.svc\.id\.goog\n/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('each finding opens its rule in the rules reference', async () => {
  const { page, requests } = await open();
  const batch = result(page, 'GKE001', 'fail', 'batch');
  await batch.waitFor();
  const loaded = requests.length;
  await batch.locator('button.about').click();
  assert.equal(await page.getAttribute('#rules-reference', 'open'), '');
  const focused = await page.evaluate(() => document.activeElement.textContent);
  assert.equal(focused, 'GKE001 workload-metadata-not-hardened (high)');
  assert.match(await page.textContent('#rule-GKE001'), /CIS GKE Benchmark: 6\.4\.2 \(v1\.2\), 5\.4\.2 \(v1\.6\), 5\.4\.1 \(v1\.9\)/);
  assert.match(await page.textContent('#rule-GKE002'), /How to fix: /);
  // Inline Markdown is rendered (code spans), never shown raw and never as HTML from data.
  assert.ok(await page.locator('#rule-GKE001 code').count() > 0);
  assert.doesNotMatch(await page.textContent('#rule-GKE001'), /`/);
  assert.equal(await page.locator('#rules-list script, #rules-list img').count(), 0);
  assert.deepEqual(requests.slice(loaded), []);
  await page.close();
});

test('an embed on a host page whose policy forbids workers still checks, on the page thread', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`${URL_}strict-host.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'none'">
<script type="module" src="embed.js"></script>
<gke-check id="e"><template>{"name": "c", "nodePools": [{"name": "p", "config": {}}]}</template></gke-check>`,
  }));
  await page.goto(`${URL_}strict-host.html`);
  await page.locator('#e .result[data-rule="GKE001"][data-status="fail"][data-name="p"]').waitFor();
  // The embed's headline carries the same hooks as the page's, in its shadow root.
  const hooks = await page.evaluate(() => {
    const h = document.getElementById('e').shadowRoot.getElementById('headline');
    return [h.dataset.poolsTotal, h.dataset.poolsExposed, h.textContent];
  });
  assert.deepEqual(hooks.slice(0, 2), ['1', '1']);
  assert.match(hooks[2], /1 exposes the node's token: p/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an embed on a host that sends its policy as a header works, and one that forgets wasm-unsafe-eval (no worker) says so', async () => {
  const policy = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; frame-src 'self'";
  const host = (csp) => ({
    status: 200,
    headers: { 'Content-Type': 'text/html', 'Content-Security-Policy': csp },
    body: `<!doctype html><script type="module" src="embed.js"></script>
<gke-check id="e"><template>{"name": "c", "nodePools": [{"name": "p", "config": {}}]}</template></gke-check>`,
  });
  const page = await browser.newPage();
  await page.route(`${URL_}host-ok.html`, (route) => route.fulfill(host(policy)));
  // Without a worker the engine runs on the page's thread, under the host's policy.
  await page.route(`${URL_}host-no-wasm.html`, (route) => route.fulfill(host(policy.replace(" 'wasm-unsafe-eval'", '').replace("worker-src 'self'", "worker-src 'none'"))));
  await page.goto(`${URL_}host-ok.html`);
  await page.locator('#e .result[data-rule="GKE001"][data-status="fail"]').waitFor();
  await page.goto(`${URL_}host-no-wasm.html`);
  await page.waitForFunction(() => document.getElementById('e')?.shadowRoot?.querySelector('.status[data-failed]'));
  const said = await page.evaluate(() => document.getElementById('e').shadowRoot.querySelector('.status').textContent);
  assert.match(said, /'wasm-unsafe-eval'/);
  // The text is still there to read.
  const text = await page.evaluate(() => document.getElementById('e').value);
  assert.match(text, /nodePools/);
  await page.close();
});

test('the Cluster + IAM policy example shows the critical chain first', async () => {
  const { page, requests } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.click('button[data-example="examples/vulnerable-cluster.json examples/vulnerable-iam-policy.json"]');
  const chain = result(page, 'GKE033', 'fail', 'default-pool');
  await chain.waitFor();
  assert.match(await chain.locator('.message').textContent(), /169\.254\.169\.254.*roles\/editor/);
  const first = await page.locator('#results .result').first().getAttribute('data-rule');
  assert.equal(first, 'GKE033', 'the chain is listed first');
  assert.deepEqual(requests.slice(loaded), []);
  await page.close();
});

test('the page starts with the small engine, and the first Terraform input loads the full one, once', async () => {
  const { page, requests, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const path = (u) => new URL(u).pathname;
  assert.ok(requests.some((u) => path(u) === '/pkg-gcloud/gkecheck_bg.wasm'), requests.join('\n'));
  assert.deepEqual(requests.filter((u) => path(u).startsWith('/pkg/')), [], 'gcloud output needs no more');
  const loaded = requests.length;

  await paste(page, example('terraform-cluster.tf'));
  await result(page, 'GKE001', 'pass', 'web').waitFor();
  assert.equal(await page.textContent('#detected'), 'Detected: Terraform');
  assert.deepEqual(requests.slice(loaded).map(path).sort(), ['/pkg/gkecheck.js', '/pkg/gkecheck_bg.wasm']);

  // From then on the full engine answers everything, with no request.
  const full = requests.length;
  await paste(page, example('vulnerable-cluster.json'));
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  await paste(page, example('terraform-cluster.tf').replace('web   = {', 'shop  = {'));
  await result(page, 'GKE001', 'pass', 'shop').waitFor();
  assert.deepEqual(requests.slice(full), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Prevent it: the page writes the organization policy constraints, and refuses a malformed id', async () => {
  const { page, requests, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  const loaded = requests.length;
  await page.click('#policy-help summary');
  const output = page.locator('#policy-output');
  await page.waitForFunction(() => document.getElementById('policy-output').textContent.includes('customConstraints'));
  assert.match(await output.textContent(), /^name: organizations\/ORGANIZATION_ID\/customConstraints\/custom\.gkecheckGke001NodePool$/m);
  assert.match(await output.textContent(), /#   GKE003: /);

  await page.fill('#policy-organization', '123456789012');
  await page.fill('#policy-parent', 'folders/42');
  await page.selectOption('#policy-format', 'terraform');
  await page.waitForFunction(() => document.getElementById('policy-output').textContent.includes('google_org_policy_policy'));
  const tf = await output.textContent();
  assert.match(tf, /parent\s+= "organizations\/123456789012"/);
  assert.match(tf, /parent = "folders\/42"/);
  assert.equal(await page.isEnabled('#policy-download'), true);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#policy-download')]);
  assert.equal(file.suggestedFilename(), 'gkecheck-policy.tf');

  // A malformed id: the reason, and no text that would not parse.
  await page.fill('#policy-parent', 'folders/${evil}');
  await page.waitForFunction(() => document.getElementById('policy-error').textContent !== '');
  assert.match(await page.textContent('#policy-error'), /expected organizations\/ID, folders\/ID or projects\/PROJECT_ID/);
  assert.equal(await output.isVisible(), false);
  assert.equal(await page.isEnabled('#policy-download'), false);

  // Written by the first engine, here: nothing was fetched or sent.
  assert.deepEqual(requests.slice(loaded), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('line numbers follow the text area, drawing only the lines in view', async () => {
  const { page, errors } = await open();
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  await page.evaluate(() => {
    const t = document.getElementById('input');
    t.value = Array.from({ length: 50_000 }, (_, i) => `# line ${i + 1}`).join('\n');
    t.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const numbers = () => page.evaluate(() => document.getElementById('gutter').textContent.trim().split('\n').map(Number));
  let shown = await numbers();
  assert.equal(shown[0], 1);
  assert.ok(shown.length < 200, `${shown.length} numbers drawn`);
  // Scrolled to the end: the last number is the last line's, level with it.
  await page.evaluate(() => { const t = document.getElementById('input'); t.scrollTop = t.scrollHeight; });
  await page.waitForFunction(() => document.getElementById('gutter').textContent.includes('50000'));
  shown = await numbers();
  assert.equal(shown.at(-1), 50_000);
  const level = await page.evaluate(() => {
    const t = document.getElementById('input');
    const g = document.getElementById('gutter');
    const lh = parseFloat(getComputedStyle(t).lineHeight);
    const first = Number(g.textContent.split('\n')[0]);
    // Where the gutter's first number and the text's line of that number are, on screen.
    const gutterY = g.getBoundingClientRect().top + parseFloat(getComputedStyle(g).paddingTop) - g.scrollTop;
    const textY = t.getBoundingClientRect().top + parseFloat(getComputedStyle(t).paddingTop) + (first - 1) * lh - t.scrollTop;
    return Math.abs(gutterY - textY);
  });
  assert.ok(level < 1, `the numbers are ${level}px off their lines`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a paste of tens of kilobytes: the answer first, then the text in the text area, the report in parts', async () => {
  const context = await browser.newContext();
  // Each message from the engine's worker that carries a part of a report, counted.
  await context.addInitScript(() => {
    window.partsReceived = 0;
    const Original = window.Worker;
    window.Worker = class extends Original {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => {
          if (event.data?.part !== undefined) window.partsReceived += 1;
        });
      }
    };
  });
  const { page, errors } = await openUrl(context, URL_);
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  // Twelve clusters of six pools (about 60 KB): in each, pool-0 exposes the node's token.
  const text = await page.evaluate(() => {
    const clusters = Array.from({ length: 12 }, (_, c) => ({
      name: `deferred-${c}`, location: 'europe-west1', workloadIdentityConfig: { workloadPool: 'p.svc.id.goog' },
      nodePools: Array.from({ length: 6 }, (__, p) => ({
        name: `pool-${p}`,
        config: { machineType: 'e2-standard-4', description: 'z'.repeat(400), workloadMetadataConfig: { mode: p === 0 ? 'GCE_METADATA' : 'GKE_METADATA' } },
      })),
    }));
    return JSON.stringify({ clusters }, null, 2);
  });
  assert.ok(text.length > 30_000 && text.length < 500_000, `${text.length} characters`);
  // Pasted between two line feeds: the text area keeps what is around it, and the caret goes
  // after the paste, as the browser's own paste does.
  const pasted = await page.evaluate((t) => {
    const input = document.getElementById('input');
    input.value = '\n\n';
    input.setSelectionRange(1, 1);
    window.partsReceived = 0;
    // When the answer was on screen (the browser's Element Timing of what is drawn in the
    // headline, each element marked as it is added), and when the pasted text was put in the
    // text area.
    window.answerShown = Infinity;
    new MutationObserver((records) => {
      for (const node of records.flatMap((r) => [...r.addedNodes])) {
        if (node.nodeType === 1) node.setAttribute('elementtiming', 'answer');
      }
    }).observe(document.getElementById('headline'), { childList: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.element?.closest('#headline')) window.answerShown = Math.min(window.answerShown, e.renderTime);
      }
    }).observe({ type: 'element' });
    const value = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
    Object.defineProperty(input, 'value', {
      configurable: true,
      get() { return value.get.call(this); },
      set(v) {
        if (v.length > 30_000 && window.textShown === undefined) window.textShown = performance.now();
        value.set.call(this, v);
      },
    });
    const data = new DataTransfer();
    data.setData('text/plain', t.replaceAll('\n', '\r\n'));
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    input.dispatchEvent(event);
    return { prevented: event.defaultPrevented, value: input.value };
  }, text);
  assert.ok(pasted.prevented, 'the page puts the text in the text area itself');
  assert.equal(pasted.value, '\n\n', 'not before the check');
  await result(page, 'GKE001', 'fail', 'pool-0').first().waitFor();
  await page.waitForFunction((length) => document.getElementById('input').value.length === length, text.length + 2);
  const shown = await page.evaluate(() => {
    const input = document.getElementById('input');
    return { value: input.value, caret: [input.selectionStart, input.selectionEnd], focused: document.activeElement.id };
  });
  assert.equal(shown.value, `\n${text}\n`, 'the text area holds the paste, line ends as LF');
  // Laying out the text takes the page's thread a while: it comes once the answer is on
  // screen, not while the browser is still painting it.
  const order = await page.evaluate(() => ({ answer: window.answerShown, text: window.textShown }));
  assert.ok(order.answer < Infinity, 'the answer was painted');
  assert.ok(order.text >= order.answer, `text area filled at ${order.text} ms, the answer on screen at ${order.answer} ms`);
  assert.deepEqual(shown.caret, [text.length + 1, text.length + 1]);
  assert.equal(await page.getAttribute('#headline', 'data-pools-total'), '72');
  assert.equal(await page.getAttribute('#headline', 'data-pools-exposed'), '12');

  // Twelve clusters: their sum first, the clusters that expose the token next, five at once.
  const answers = () => page.$$eval('#headline .answer', (list) => list.map((p) => p.textContent));
  let lines = await answers();
  assert.equal(lines[0], "Workload metadata, 12 clusters: 60 of 72 node pools run the GKE metadata server; 12 expose the node's token, in 12 clusters.");
  assert.equal(lines.length, 6);
  assert.match(lines[1], /cluster deferred-0: 5 of 6 node pools run the GKE metadata server; 1 exposes the node's token: pool-0\./);
  await page.click('#headline .headline-more');
  lines = await answers();
  assert.equal(lines.length, 13);
  assert.match(lines[12], /cluster deferred-11:/);
  // Autopilot clusters have no node pools of their own: the sum says what they run.
  const sums = await page.evaluate(async () => {
    const { renderHeadline } = await import('./report-view.js');
    const line = (cluster, autopilot, pools, exposed) => ({
      cluster, autopilot, pools_total: pools, pools_protected: pools - exposed,
      pools_exposed: Array.from({ length: exposed }, (_, i) => `p${i}`), pools_unknown: [], passing: 0, text: cluster,
    });
    const sum = (headline, inputs = []) => {
      const box = document.createElement('div');
      renderHeadline(box, { headline, inputs, results: [] });
      return box.querySelector('.answer-sum').textContent;
    };
    const stopped = [{ name: 'pools.tf', error: { message: 'expected valid Terraform (HCL)', line: 6, column: 12, offset: 90 } }];
    return [
      sum(Array.from({ length: 6 }, (_, i) => line(`ap-${i}`, true, 0, 0))),
      sum([...Array.from({ length: 5 }, (_, i) => line(`std-${i}`, false, 3, i === 0 ? 1 : 0)), line('ap', true, 0, 0)]),
      sum(Array.from({ length: 6 }, (_, i) => line(`empty-${i}`, false, 0, 0))),
      sum(Array.from({ length: 6 }, (_, i) => line(`empty-${i}`, false, 0, 0)), stopped),
    ];
  });
  assert.deepEqual(sums, [
    'Workload metadata, 6 clusters: 6 Autopilot clusters run the GKE metadata server on every node.',
    "Workload metadata, 6 clusters: 14 of 15 node pools run the GKE metadata server; 1 Autopilot cluster runs it on every node; 1 exposes the node's token, in 1 cluster.",
    'Workload metadata, 6 clusters: no node pool in the input.',
    // Where an input stopped at an error, its pools may be in what was not read.
    'Workload metadata, 6 clusters: no node pool read (an input stopped at an error).',
  ]);

  // The report came in parts when it is large: the same report as the engine's whole one.
  const report = await page.evaluate(async (t) => {
    const { call, check } = await import('./engine-client.js');
    const before = window.partsReceived;
    const inParts = await check([{ name: 'input', text: t, format: 'auto' }], { passing: 'listed' });
    const whole = JSON.parse(await call('checkInputs', [{ name: 'input', text: t, format: 'auto' }], JSON.stringify({ passing: 'listed' })));
    return { parts: window.partsReceived - before, same: JSON.stringify(inParts) === JSON.stringify(whole), results: whole.results.length, bytes: JSON.stringify(whole).length };
  }, text);
  assert.ok(report.same, 'the parts make the whole report');
  // A head, then the results in parts of 256 KB and a result more at most.
  const parts = `${report.parts} parts for ${report.bytes} bytes (${report.results} results)`;
  assert.ok(report.bytes > 600_000, parts);
  assert.ok(report.parts >= 3 && report.parts <= 1 + Math.ceil(report.bytes / 262_144), parts);

  // A key pressed before the results puts the paste in the text area first.
  const other = text.replaceAll('deferred-', 'early-');
  const early = await page.evaluate((t) => {
    const input = document.getElementById('input');
    input.select();
    const data = new DataTransfer();
    data.setData('text/plain', t);
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    const before = input.value.length;
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    return { before, after: input.value.length };
  }, other);
  assert.equal(early.after, other.length);
  assert.notEqual(early.before, other.length);
  await result(page, 'GKE001', 'fail', 'pool-0').first().waitFor();
  await page.waitForSelector('#headline .answer[data-cluster="early-0"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a paste of megabytes is shown read-only, the lines in view only, and findings select their place in it', async () => {
  const { page, errors } = await open('', { showPassing: false });
  await result(page, 'GKE001', 'fail', 'batch').waitFor();
  // 300 clusters of two pools, a line each: about 1.2 MB; the last pool of the
  // last cluster exposes the node's token.
  const pasted = await page.evaluate(() => {
    const pool = (c, p, mode) => ({ name: `pool-${p}`, config: { machineType: 'e2-standard-4', description: 'x'.repeat(2000), workloadMetadataConfig: { mode } } });
    const lines = [];
    for (let c = 0; c < 300; c += 1) {
      const last = c === 299;
      lines.push(JSON.stringify({
        name: `cluster-${c}`, location: 'europe-west1', workloadIdentityConfig: { workloadPool: 'p.svc.id.goog' },
        nodePools: [pool(c, 0, 'GKE_METADATA'), pool(c, 1, last ? 'GCE_METADATA' : 'GKE_METADATA')],
      }));
    }
    const text = lines.join('\r\n');
    const data = new DataTransfer();
    data.setData('text/plain', text);
    const input = document.getElementById('input');
    // Pasted over the whole text, as after select-all.
    input.select();
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    input.dispatchEvent(event);
    return { length: text.length, prevented: event.defaultPrevented, inTextArea: input.value.length };
  });
  assert.ok(pasted.length > 1_000_000, `${pasted.length} characters`);
  assert.ok(pasted.prevented, 'the text area does not take it');
  assert.equal(pasted.inTextArea, 0);
  assert.ok(await page.isVisible('#viewer'));
  assert.ok(await page.isHidden('#input'));
  assert.match(await page.textContent('#viewer-note'), /This input \(\d\.\d MB\) is shown read-only/);
  // The one failing GKE001 result, among thousands of others.
  await page.waitForFunction(() => [...document.getElementById('filter-rule').options].some((o) => o.value === 'GKE001'), null, { timeout: 60000 });
  await page.selectOption('#filter-rule', 'GKE001');
  const finding = result(page, 'GKE001', 'fail', 'pool-1');
  await finding.waitFor({ timeout: 60000 });
  // Only the lines in view are drawn, each cut to a window of the line.
  const drawn = await page.evaluate(() => document.getElementById('viewer-lines').textContent.split('\n').length);
  assert.ok(drawn < 200, `${drawn} lines drawn`);
  assert.equal((await page.textContent('#gutter')).trim().split('\n')[0], '1');
  // The finding's "Line 300" scrolls the viewer there and marks the place (line ends were
  // made LF, as the text area makes them, so places count the same).
  assert.match(await finding.locator('button.goto').textContent(), /Line 300/);
  await finding.locator('button.goto').click();
  await page.waitForFunction(() => document.querySelector('#viewer mark'));
  const marked = await page.evaluate(() => ({
    text: document.querySelector('#viewer mark').textContent,
    numbers: document.getElementById('gutter').textContent.trim().split('\n').map(Number),
    focused: document.activeElement.id,
  }));
  assert.match(marked.text, /GCE_METADATA/);
  assert.ok(marked.numbers.includes(300), `gutter: ${marked.numbers.slice(0, 3)}…`);
  assert.equal(marked.focused, 'viewer');
  // "Edit it anyway" puts the whole text in the text area.
  await page.click('#viewer-edit');
  assert.ok(await page.isVisible('#input'));
  assert.ok(await page.isHidden('#viewer-note'));
  assert.equal(await page.evaluate(() => document.getElementById('input').value.length), pasted.length - 299);
  // A small paste into the viewer replaces the text, back in the text area.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', '{"name": "x", "nodePools": []}'.repeat(40_000));
    document.getElementById('input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  assert.ok(await page.isVisible('#viewer'));
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', '{"name": "small", "nodePools": [{"name": "p", "config": {}}]}');
    document.getElementById('viewer').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  assert.ok(await page.isVisible('#input'));
  assert.match(await page.inputValue('#input'), /"small"/);
  await result(page, 'GKE001', 'fail', 'p').waitFor();

  // A large file with old Mac line ends (a lone CR), dropped: the viewer counts its lines as
  // the engine does, so "Line 300" marks the place on line 300.
  await page.evaluate(() => {
    const lines = [];
    for (let c = 0; c < 300; c += 1) {
      lines.push(JSON.stringify({ name: `mac-${c}`, description: 'y'.repeat(2000), nodePools: [{ name: `pool-${c}`, config: { workloadMetadataConfig: { mode: c === 299 ? 'GCE_METADATA' : 'GKE_METADATA' } } }] }));
    }
    const data = new DataTransfer();
    data.items.add(new File([lines.join('\r')], 'mac.json'));
    document.querySelector('.editor').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  const mac = page.locator('#results .result[data-rule="GKE001"][data-status="fail"][data-name="pool-299"]');
  await mac.waitFor({ timeout: 60000 });
  assert.ok(await page.isVisible('#viewer'));
  assert.match(await mac.locator('button.goto').textContent(), /line 300$/i);
  await mac.locator('button.goto').click();
  await page.waitForFunction(() => /GCE_METADATA/.test(document.querySelector('#viewer mark')?.textContent ?? ''));
  const gutter = (await page.textContent('#gutter')).trim().split('\n').map(Number);
  assert.ok(gutter.includes(300), `gutter: ${gutter.slice(0, 3)}…`);
  assert.deepEqual(errors, []);
  await page.close();
});
