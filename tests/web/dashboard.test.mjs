// The web dashboard in a real browser (Debian's chromium, driven by playwright-core; no browser is
// ever downloaded) against a real `roundhouse serve` on a fresh SQLite store seeded with the small
// demo fleet: the page loads with no console errors, its charts draw the demo data, the switcher
// and depot filter work, and a failure appended through the API changes the shown MTBF within a
// second through the live event stream. Screenshots go to <build>/test-artifacts/.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = resolve(process.env.ROUNDHOUSE_BUILD_DIR || join(repo, 'build'));
const binary = join(buildDir, 'bin/roundhouse');
const pluginDir = join(buildDir, 'lib/roundhouse/plugins');
const artifacts = join(buildDir, 'test-artifacts');
const browserPath = process.env.ROUNDHOUSE_CHROMIUM || '/usr/bin/chromium';
const READER_KEY = 'dashboard-reader-key-0123456789';
const WRITER_KEY = 'dashboard-writer-key-0123456789';

let work;
let server;
let serverLog = '';
let base;
let browser;
let page;
const consoleErrors = [];

function childEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ROUNDHOUSE_')));
}

async function api(method, path, body, key = READER_KEY) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function waitFor(what, predicate, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${serverLog.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  assert.ok(existsSync(binary), `no ${binary}: build first`);
  assert.ok(existsSync(join(pluginDir, 'dashboard-web.so')), 'the dashboard-web plugin is not built');
  assert.ok(existsSync(browserPath), `no ${browserPath}: scripts/install-deps installs Debian's chromium`);
  mkdirSync(artifacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'roundhouse-web-'));
  const store = `sqlite:${join(work, 'fleet.db')}`;

  const demo = spawnSync(binary, ['demo', '--size', 'small', '--store', store, '--plugins', pluginDir],
    { env: childEnv(), encoding: 'utf8', timeout: 300000 });
  assert.equal(demo.status, 0, `roundhouse demo failed: ${demo.stderr}`);

  const config = {
    auth: {
      api_keys: [
        { name: 'dashboard', key: READER_KEY, tenant: 'default', roles: ['reader'] },
        { name: 'ops', key: WRITER_KEY, tenant: 'default', roles: ['writer'] },
      ],
    },
    log: { level: 'info', access: false },
    threads: 2,
  };
  writeFileSync(join(work, 'config.json'), JSON.stringify(config));
  const portFile = join(work, 'port');
  server = spawn(binary, ['serve', '--config', join(work, 'config.json'), '--store', store, '--listen', '127.0.0.1:0',
    '--port-file', portFile, '--plugins', pluginDir], { env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr.on('data', (d) => { serverLog += d; });
  const port = await waitFor('the host to listen', () => {
    if (server.exitCode !== null) throw new Error(`roundhouse serve exited ${server.exitCode}\n${serverLog}`);
    return existsSync(portFile) && readFileSync(portFile, 'utf8').trim();
  });
  base = `http://127.0.0.1:${port}`;
  // The read models catch up on the demo's events before the page is judged.
  await waitFor('projections to catch up', async () => {
    const r = await api('GET', '/api/v1/projections');
    return r.status === 200 && r.json.projections.every((p) => p.state === 'live' && p.lag === 0);
  });

  browser = await chromium.launch({ executablePath: browserPath, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the page loads from / with a key from the link and renders the demo fleet', async () => {
  await page.goto(`${base}/#key=${READER_KEY}`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30000 });
  // The key left the address bar; the page sits at its canonical address.
  assert.equal(new URL(page.url()).pathname, '/dashboards/executive');
  assert.equal(new URL(page.url()).hash, '');

  const cards = await page.$$eval('.card', (els) => els.map((e) => ({
    kpi: e.dataset.kpi, text: e.querySelector('.kpi-value').dataset.text })));
  const byName = Object.fromEntries(cards.map((c) => [c.kpi, c.text]));
  for (const name of ['availability', 'mtbf', 'mdbf']) {
    assert.ok(byName[name] && byName[name] !== '—', `card ${name}: ${JSON.stringify(cards)}`);
  }
  assert.match(byName.mtbf, /\d h$/);
  assert.match(byName.availability, /^\d+(\.\d)?%$/);

  const rows = await page.$$eval('#worst-vehicles tbody tr[data-vehicle]', (r) => r.length);
  assert.ok(rows > 0, 'the worst-vehicles table is empty');
  const insights = await page.$$eval('#insights li', (l) => l.map((x) => x.textContent));
  assert.ok(insights.length > 0, 'no insights shown');
});

test('every chart has data and draws it', async () => {
  const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
    const canvas = f.querySelector('canvas');
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return { id: f.dataset.chartId, points: Number(f.dataset.points), painted, width: canvas.width };
  }));
  assert.ok(charts.length >= 3, `charts: ${JSON.stringify(charts)}`);
  for (const c of charts) {
    assert.ok(c.points > 0, `chart ${c.id} has no data points`);
    assert.ok(c.width > 100 && c.painted > 500, `chart ${c.id} drew nothing (${c.painted} pixels)`);
  }
  await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
});

test('a failure appended through the API changes the shown MTBF within a second', async () => {
  await page.waitForSelector('#live[data-state="live"]', { timeout: 10000 });
  const before = await page.$eval('[data-kpi="mtbf"] .kpi-value', (e) => e.dataset.text);
  const dashboard = (await api('GET', '/api/v1/analytics/dashboard/executive')).json;
  const vehicle = dashboard.worst_vehicles[0].vehicle_id;
  // Inside the dashboard's window (an hour before its end), so the window itself does not move.
  const occurredAt = new Date(new Date(dashboard.window.to).getTime() - 3600e3).toISOString();

  // The clock starts before the append is sent: the issue asks for the change within a second
  // of appending, commit, projection, event stream, debounce, refetch and render included.
  const start = Date.now();
  const appended = await api('POST', '/api/v1/fleet/failures', {
    vehicle_id: vehicle, system: 'doors', severity: 'major', service_affecting: true,
    description: 'door will not close (browser test)', occurred_at: occurredAt,
  }, WRITER_KEY);
  assert.equal(appended.status, 201, JSON.stringify(appended.json));
  await page.waitForFunction((old) => {
    const v = document.querySelector('[data-kpi="mtbf"] .kpi-value');
    return v && v.dataset.text !== old;
  }, before, { timeout: Math.max(1, 1000 - (Date.now() - start)), polling: 'raf' });
  const elapsed = Date.now() - start;
  const after = await page.$eval('[data-kpi="mtbf"] .kpi-value', (e) => e.dataset.text);
  console.log(`MTBF ${before} -> ${after} shown ${elapsed} ms after the append was sent`);
  assert.ok(elapsed <= 1000, `MTBF changed after ${elapsed} ms`);
  const number = (t) => Number(t.replace(/[^\d.]/g, ''));
  assert.ok(number(after) < number(before), 'one more failure in the window must lower MTBF');
});

test('the switcher and the depot filter load other views', async () => {
  await page.click('#switcher a[data-dashboard="maintenance"]');
  await page.waitForFunction(() => location.pathname === '/dashboards/maintenance'
    && document.querySelector('#window-label').textContent.startsWith('Maintenance'));
  assert.ok(await page.$('[data-kpi="mttr"]'), 'the maintenance dashboard shows MTTR');

  const depots = await page.$$eval('#depot option', (o) => o.map((x) => x.value).filter(Boolean));
  assert.ok(depots.length > 1, `depots: ${depots}`);
  await page.selectOption('#depot', depots[0]);
  await page.waitForFunction((d) => document.querySelector('#window-label').textContent.endsWith(d), depots[0]);
  assert.equal(new URL(page.url()).search, `?depot=${encodeURIComponent(depots[0]).replace(/%20/g, '+')}`);

  await page.click('#switcher a[data-dashboard="inventory"]');
  await page.waitForFunction(() => document.querySelector('#window-label').textContent.startsWith('Inventory'));
  assert.ok(await page.$('[data-kpi="inventory_turnover"]'), 'the inventory dashboard shows turnover');
  assert.ok(await page.$('[data-kpi="stockout_rate"]'), 'the inventory dashboard shows stockouts');
});

test('a phone-sized window gets the same page in one column', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const phone = await context.newPage();
  phone.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`phone: ${m.text()}`); });
  await phone.goto(`${base}/dashboards/operations#key=${READER_KEY}`);
  await phone.waitForSelector('body[data-loaded="true"]', { timeout: 30000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await phone.screenshot({ path: join(artifacts, 'dashboard-phone.png'), fullPage: true });
  await context.close();
});

test('without a key the page asks for one, and a wrong key is refused', async () => {
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await fresh.goto(`${base}/dashboards/executive`);
  await fresh.waitForSelector('#key-dialog[open]');
  await fresh.fill('#key-input', 'not-a-valid-key');
  await fresh.click('#key-form button[type="submit"]');
  await fresh.waitForFunction(() => document.querySelector('#key-reason').textContent.includes('not accepted'));
  await fresh.fill('#key-input', READER_KEY);
  await fresh.click('#key-form button[type="submit"]');
  await fresh.waitForSelector('body[data-loaded="true"]', { timeout: 30000 });
  await context.close();
});

test('no console errors on the way', () => {
  assert.deepEqual(consoleErrors, []);
});
