// After one visit, the page works with the network gone: reloaded after its server stops.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, afterLoad, launch, open, serve } from './helpers.mjs';

test('the page reloads and checks offline after the server stops', async () => {
  assert.ok(DIST, 'GKECHECK_DIST must name dist/ (cargo xtask ci sets it)');
  const server = await serve(DIST);
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const { page, requests } = await open(context, server.url);
    await page.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="batch"]').waitFor();
    // The service worker has cached the site and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
      }
    });
    await server.close();
    const before = requests.length;
    await page.reload();
    await page.waitForSelector('html[data-ready]');
    await page.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="batch"]').waitFor();
    const loaded = requests.length;
    await page.fill('#input', '{"name": "offline", "nodePools": [{"name": "p", "config": {}}]}');
    await page.locator('.result[data-rule="GKE001"][data-status="fail"][data-name="p"]').waitFor();
    // Terraform too: the full engine, never loaded online, was cached with the rest.
    await page.fill('#input', 'resource "google_container_node_pool" "offline_tf" {\n  name    = "tf"\n  cluster = "c"\n}\n');
    await page.locator('.result[data-rule="GKE001"][data-name="tf"]').first().waitFor();
    const origin = new URL(server.url).origin;
    assert.deepEqual(requests.filter((u) => new URL(u).origin !== origin), []);
    assert.ok(loaded > before, 'the reload asked for the page, and the service worker answered');
    assert.deepEqual(afterLoad(requests, loaded), [], 'nothing after load but the full engine, from the cache');
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
