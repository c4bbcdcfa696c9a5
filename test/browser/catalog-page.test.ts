// The catalog page in real headless Chromium against the real server on 127.0.0.1: every type with
// its logo, search as you type, the detail page (docs, layers, schema, example), copy buttons; and
// a 10,000-type catalog that keeps one page of cards in the DOM. Screenshots go to test-output/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/run.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { REPO, seedRepo, SEED_IDS, start } from '../server/helpers.ts';
import { syntheticCatalog } from './synthetic.ts';

const OUT = path.join(REPO, 'test-output');
let browser: Browser;
let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: RunningServer;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  repo = await seedRepo();
  server = await start({ root: repo.root });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await repo?.cleanup();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
}

const cardIds = (page: Page) => page.$$eval('#types .card', (cards) => cards.map((c) => (c as HTMLElement).dataset.id));

describe('the seed catalog', () => {
  it('lists every type with its logo loaded, and filters as you type', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/`);
    expect(await cardIds(page)).toEqual(SEED_IDS);
    // Every logo is an image that really loaded (lazy ones scrolled into view first).
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#types img.logo')].every((img) => img.complete && img.naturalWidth > 0));
    const logos = await page.$$eval('#types img.logo', (imgs) => imgs.map((i) => (i as HTMLImageElement).getAttribute('src')));
    expect(logos.every((src) => /^\/v1\/types\/[a-z0-9.-]+\/logo\.svg\?v=/.test(src!))).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(OUT, 'catalog.png'), fullPage: true });

    await page.locator('#search').pressSequentially('hel', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#types .card').length === 1);
    expect(await cardIds(page)).toEqual(['cncf.helm.chart']);
    expect(await page.textContent('#result-count')).toContain('1 type matching “hel”');
    expect(new URL(page.url()).search).toBe('?q=hel');
    await page.locator('#search').fill('signature');
    await page.locator('#search').dispatchEvent('input');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#types .card')?.dataset.id === 'cncf.notary.signature');
    await page.locator('#search').fill('no-such-thing-anywhere');
    await page.locator('#search').dispatchEvent('input');
    await page.waitForFunction(() => document.querySelectorAll('#types .card').length === 0);
    expect(await page.textContent('#result-count')).toBe('No types match.');
    await page.screenshot({ path: path.join(OUT, 'catalog-search.png') });
    expect(errors).toEqual([]);
  });

  it('has copy buttons for the tool commands that copy the command', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/`);
    const button = page.locator('.card[data-id="cncf.helm.chart"] button.copy').first();
    const command = await button.getAttribute('data-copy');
    expect(command).toMatch(/^helm pull oci:\/\//);
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    expect(errors).toEqual([]);
  });

  it('renders a type page: docs, layers with formats, config schema, example manifest', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/`);
    await page.click('a[href="/types/cncf.helm.chart"]');
    await page.waitForURL(/\/types\/cncf\.helm\.chart$/);
    expect(await page.textContent('h1')).toContain('Helm chart');
    expect(await page.$$eval('#docs h2', (hs) => hs.length)).toBeGreaterThan(0);
    expect(await page.$$eval('#docs code', (cs) => cs.map((c) => c.textContent))).toContain('application/vnd.cncf.helm.config.v1+json');
    const layerRows = await page.$$eval('#layers tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    expect(layerRows).toContainEqual(['application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'tar+gzip']);
    const schema = JSON.parse((await page.textContent('#schema-json'))!);
    expect(schema).toEqual((await runChecks({ root: repo.root })).catalog.types.find((t) => t.id === 'cncf.helm.chart')!.configSchema);
    const example = JSON.parse((await page.textContent('#example-json'))!);
    expect(example.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
    expect(await page.locator('#tools button.copy').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#example button.copy').count()).toBe(1);
    expect(await page.$eval('.type-head img.logo', (img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUT, 'type-page.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});

describe('10,000 types', () => {
  let big: RunningServer;
  beforeAll(async () => {
    const base = (await runChecks({ root: repo.root })).catalog.types.find((t) => t.id === 'cncf.helm.chart')!;
    const { catalog, logos } = syntheticCatalog(base, 10_000);
    big = await start({ catalog, logos });
  });
  afterAll(async () => {
    await big?.close();
  });

  it('shows one page of cards, pages through, and searches all of them', async () => {
    const { page, errors } = await newPage();
    const response = await page.goto(`${big.url}/`);
    expect(response!.status()).toBe(200);
    expect(await page.locator('#types .card').count()).toBe(48);
    expect(await page.textContent('#result-count')).toContain('10000 types');
    expect(await page.textContent('#page-info')).toBe('Page 1 of 209');
    // Without the script the pager links work too; with it, Next re-renders in place.
    await page.click('#next');
    await page.waitForFunction(() => document.querySelector('#page-info')?.textContent === 'Page 2 of 209');
    expect(await page.locator('#types .card').count()).toBe(48);

    await page.locator('#search').pressSequentially('type9999', { delay: 20 });
    await page.waitForFunction(() => document.querySelectorAll('#types .card').length === 1);
    expect(await cardIds(page)).toEqual(['synthetic.org99.type9999']);
    await page.locator('#search').fill('org42 ');
    await page.locator('#search').dispatchEvent('input');
    await page.waitForFunction(() => document.querySelector('#result-count')?.textContent?.startsWith('100 types'));
    expect(await page.locator('#types .card').count()).toBe(48);
    // The DOM never holds more than a page of cards.
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(2_000);
    await page.screenshot({ path: path.join(OUT, 'catalog-10k.png') });
    expect(errors).toEqual([]);
  });

  it('server-renders any page of a search without the script', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${big.url}/?q=org7&page=2`);
    expect(await page.textContent('#result-count')).toMatch(/^1\d{3} types matching “org7”, showing 49–96$/);
    expect(await page.locator('#types .card').count()).toBe(48);
    await context.close();
  });
});
