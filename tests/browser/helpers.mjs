// Shared by the browser tests: Chromium, a page that records its requests, and a small
// static server for tests that must stop the server themselves.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, extname } from 'node:path';
import { chromium } from 'playwright-core';

export const DIST = process.env.GKECHECK_DIST;

export function launch() {
  // A fresh, empty profile each run: Playwright makes a new --user-data-dir for a launch.
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

/** Opens `url` in a new page of `context`, recording requests and page errors. */
export async function open(context, url, { ready = true } = {}) {
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  if (ready) await page.waitForSelector('html[data-ready]');
  return { page, requests, errors };
}

/**
 * The requests after the first `loaded`, leaving out the full engine's two files: the page
 * fetches them from its own origin (GET, nothing sent) the first time an input is Terraform.
 */
export function afterLoad(requests, loaded) {
  return requests.slice(loaded).filter((u) => !/\/pkg\/gkecheck(_bg\.wasm|\.js)$/.test(new URL(u).pathname));
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.tf': 'text/plain',
};

/** Serves `dir` on 127.0.0.1; resolves to {url, close()}. */
export async function serve(dir) {
  const sockets = new Set();
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(resolve);
    }),
  };
}
