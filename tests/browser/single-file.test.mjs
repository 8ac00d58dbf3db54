// dist/gkecheck.html: the whole app in one file, opened from disk (file://), for classrooms
// and air-gapped sites.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DIST, launch, open } from './helpers.mjs';

test('gkecheck.html works from file:// with no request at all', async () => {
  assert.ok(DIST, 'GKECHECK_DIST must name dist/ (cargo xtask ci sets it)');
  const url = pathToFileURL(join(DIST, 'gkecheck.html')).href;
  const browser = await launch();
  try {
    const { page, requests, errors } = await open(browser, url);
    await page.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="batch"]').waitFor();
    await page.uncheck('#hide-passing');
    await page.fill('#input', 'resource "google_container_cluster" "c" {\n  enable_autopilot = true\n}\n');
    await page.locator('.result[data-rule="GKE002"][data-status="pass"][data-name="c"]').waitFor();
    // Examples travel inside the file.
    await page.click('button[data-example="examples/hardened-cluster.json"]');
    await page.locator('.result[data-rule="GKE001"][data-status="pass"][data-name="batch"]').waitFor();
    // A panic still leaves a working page.
    assert.equal(await page.evaluate(() => window.gkecheck.selfTestPanic()), true);
    await page.fill('#input', '{"name": "x", "nodePools": [{"name": "p", "config": {}}]}');
    await page.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="p"]').waitFor();
    assert.deepEqual(requests, [url], 'only the file itself');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
