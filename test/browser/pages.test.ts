// The pages as a new user meets them (issue #21), in real headless Chromium against the real server
// on 127.0.0.1 serving the catalog built from definitions/, with the /registry page listing a real
// docker-registry: cards name each identifying signal once by role; commands wrap whole and copy;
// type pages show every signal with its role, whether it identifies and its evidence; browsers get
// an HTML 404 with the closest ids; /api is the API reference. Each page is checked with axe-core
// (no serious or critical violations, no CSP violation, no request to another origin) and saved as
// desktop and 375 px screenshots in test-output/pages/.
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { identifyingStrings } from '../../src/catalog/identifying.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';
import { listRegistry, RegistryClient } from '../../src/registry/index.ts';
import type { RunningServer } from '../../src/server/index.ts';
import { definitionsCatalog, DEFINITIONS } from '../registry/catalog-fixture.ts';
import { exampleFiles, pushExample } from '../registry/example-artifacts.ts';
import { startRegistry, type RunningRegistry } from '../registry/registry-server.ts';
import { REPO, request, start } from '../server/helpers.ts';

const OUT = path.join(REPO, 'test-output', 'pages');
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ROLE_ORDER = ['artifactType', 'config', 'layer', 'annotation', 'label'];

// Every check loads pages at two widths and runs axe on two shared cores.
vi.setConfig({ testTimeout: 180_000 });

let browser: Browser;
let registry: RunningRegistry;
let server: RunningServer;
let catalog: Catalog;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  [registry, catalog] = await Promise.all([startRegistry(), definitionsCatalog()]);
  const logos = new Map<string, string>();
  for (const type of catalog.types) logos.set(type.id, await readFile(path.join(DEFINITIONS, type.id, 'logo.svg'), 'utf8'));
  const client = new RegistryClient(registry.registry);
  const [helm] = (await exampleFiles(DEFINITIONS, 'cncf.helm.chart')).filter((e) => e.stem === 'nginx');
  await pushExample(client, helm!, 'charts/web', '1.0.0');
  const url = `http://${registry.registry}`;
  // The same listing `serve --registry` wires up (src/cli/commands/serve.ts).
  const list = () => listRegistry(url, catalog, { logoUrl: (id: string) => `/v1/types/${id}/logo.svg` });
  server = await start({ catalog, logos, pageOptions: { registry: { url, list } } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await registry?.stop();
});

/**
 * A page with its faults recorded: script errors and console errors (`errors`), Content Security
 * Policy violations (`csp`), and every request for another origin than the server's (`offsite`).
 */
async function newPage(width = 1280): Promise<{ page: Page; errors: string[]; csp: string[]; offsite: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  const csp: string[] = [];
  const offsite: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The 404 page's own status is logged by Chromium as a failed load; anything else is a fault.
    if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text());
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin !== server.url && url.protocol !== 'data:') offsite.push(r.url());
  });
  // Added through the DevTools protocol, so the page's CSP does not stop it; reported through a binding.
  await page.exposeBinding('__cspViolation', (_source, text: string) => void csp.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
  });
  return { page, errors, csp, offsite };
}

function type(id: string): ArtifactType {
  const found = catalog.types.find((t) => t.id === id);
  if (!found) throw new Error(`the catalog built from definitions/ has no ${id}`);
  return found;
}

/** axe-core's serious and critical violations on the page as loaded. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's own CSP (script-src 'self') stays in force.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await (window as any).axe.run(document)).violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Opens `url` at desktop and at 375 px: no serious/critical axe findings at either width, nothing
 * wider than the 375 px screen (tables scroll inside their own box), and a screenshot of each.
 */
async function checkPage(url: string, name: string, status = 200, ready?: string): Promise<void> {
  for (const [width, label] of [[1280, 'desktop'], [375, 'mobile']] as const) {
    const { page, errors, csp, offsite } = await newPage(width);
    const response = await page.goto(`${server.url}${url}`);
    expect(response!.status(), url).toBe(status);
    await page.waitForLoadState('networkidle');
    if (ready) await page.waitForSelector(ready);
    expect(await axeViolations(page), `${url} at ${width} px`).toEqual([]);
    if (width === 375) {
      const overflow = await page.evaluate(() =>
        [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll, pre')).map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
      );
      expect(overflow, `${url}: elements wider than 375 px`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(375);
    }
    await page.screenshot({ path: path.join(OUT, `${name}-${label}.png`), fullPage: width === 375 });
    expect(errors, url).toEqual([]);
    expect(csp, `${url}: CSP violations`).toEqual([]);
    expect(offsite, `${url}: requests to other origins`).toEqual([]);
    await page.context().close();
  }
}

/** What a card shows: [roles, text] per signal. */
const cardSignals = (page: Page, id: string) =>
  page.$$eval(`.card[data-id="${id}"] .signals li`, (items) => items.map((li) => [li.querySelector('.role')!.textContent!, li.querySelector('code')!.textContent!, li.querySelector('.fallback') ? 'fallback' : ''] as const));

describe('the catalog list', () => {
  it('cards list each identifying signal once, by role, strongest first, and nothing else', async () => {
    const { page, errors } = await newPage();
    for (const id of ['amazon.soci.index', 'sigstore.bundle', 'carvel.imgpkg.bundle', 'crossplane.package', 'homebrew.bottle', 'kubewarden.policy', 'opcr.policy', 'operatorframework.olm.bundle']) {
      if (!catalog.types.some((t) => t.id === id)) continue; // a definition mid-edit elsewhere may not build
      await page.goto(`${server.url}/?q=${id}`);
      const shown = await cardSignals(page, id);
      const expected = new Set(identifyingStrings(type(id)).filter((s) => s.role !== 'manifest').map((s) => (s.matchValue !== undefined ? `${s.value}=${s.matchValue}` : s.value)));
      expect(shown.length, id).toBeGreaterThan(0);
      // Once each, and exactly the identifying strings.
      expect(shown.map(([, text]) => text), id).toEqual([...new Set(shown.map(([, text]) => text))]);
      expect(new Set(shown.map(([, text]) => text)), id).toEqual(expected);
      // Roles are named, and the strongest comes first.
      // (A generic string only decides as a fallback, so it comes after every specific one.)
      const firstRoles = shown.map(([roles, , fallback]) => ROLE_ORDER.indexOf(roles.split(' · ')[0]!) + (fallback ? 10 : 0));
      expect(firstRoles.every((r) => r >= 0), id).toBe(true);
      expect(firstRoles, id).toEqual([...firstRoles].sort((a, b) => a - b));
    }
    // Types known by a label or an annotation say so.
    await page.goto(`${server.url}/?q=carvel.imgpkg.bundle`);
    const carvel = await cardSignals(page, 'carvel.imgpkg.bundle');
    expect(carvel.every(([roles]) => roles === 'label')).toBe(true);
    await page.goto(`${server.url}/?q=crossplane.package`);
    expect((await cardSignals(page, 'crossplane.package')).map(([roles]) => roles)).toContain('annotation');
    // The SOCI card: two config media types, once each (it used to repeat v2, v1, v2, v1).
    await page.goto(`${server.url}/?q=amazon.soci.index`);
    expect(await cardSignals(page, 'amazon.soci.index')).toEqual(type('amazon.soci.index').configMediaTypes.map((m) => ['config', m.mediaType, '']));
    expect(errors).toEqual([]);
  });

  it('commands read whole (no scroll bar, no cut), media types break only at . / + =', async () => {
    const { page, errors } = await newPage(375);
    await page.goto(`${server.url}/`);
    const commands = await page.$$eval('.card .cmd code', (codes) => codes.map((c) => ({ text: c.textContent!, fits: c.scrollWidth <= c.clientWidth + 1, wraps: getComputedStyle(c).whiteSpace !== 'nowrap', html: c.innerHTML })));
    expect(commands.length).toBeGreaterThan(50);
    for (const c of commands) expect(c.html, c.text).not.toMatch(/<(?!\/?wbr)/); // text and break chances only
    for (const c of commands) {
      expect(c.fits && c.wraps, c.text).toBe(true);
    }
    // The whole command is there, as the definition writes it.
    const soci = type('amazon.soci.index').tools.flatMap((t) => [t.push, t.pull, t.run].filter(Boolean));
    await page.goto(`${server.url}/?q=amazon.soci.index`);
    const shown = await page.$$eval('.card[data-id="amazon.soci.index"] .cmd code', (codes) => codes.map((c) => c.textContent));
    for (const command of soci) expect(shown).toContain(command);
    // Break chances sit after the separators only; each code line starts at one of them or at a space.
    const media = await page.$$eval('.card .signals code', (codes) =>
      codes.map((code) => {
        const range = document.createRange();
        const starts: string[] = [];
        let lastTop = -1;
        const text = code.textContent!;
        let offset = 0;
        for (const node of code.childNodes) {
          if (node.nodeType !== Node.TEXT_NODE) continue;
          for (let i = 0; i < node.textContent!.length; i++, offset++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const top = Math.round(range.getBoundingClientRect().top);
            if (lastTop >= 0 && top > lastTop + 2) starts.push(text[offset - 1]!);
            lastTop = top;
          }
        }
        return { text, breaksAfter: starts };
      }),
    );
    expect(media.some((m) => m.breaksAfter.length > 0)).toBe(true); // long ones do wrap at 375 px
    for (const m of media) for (const c of m.breaksAfter) expect('./+=', `${m.text} breaks after "${c}"`).toContain(c);
    expect(errors).toEqual([]);
  });

  it('search and copy work from the keyboard', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/`);
    // The search box has focus on arrival: type, and the list filters.
    await page.keyboard.type('crossplane', { delay: 20 });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('#types .card')].every((c) => c.dataset.id!.includes('crossplane')));
    expect(await page.locator('#types .card').count()).toBeGreaterThan(0);
    // Cards drawn by the script show the same signals the server draws.
    expect(await cardSignals(page, 'crossplane.package')).toEqual(
      await (async () => {
        const p = (await newPage()).page;
        await p.goto(`${server.url}/?q=crossplane`);
        const fromServer = await cardSignals(p, 'crossplane.package');
        await p.context().close();
        return fromServer;
      })(),
    );
    // Tab to the first copy button and press Enter.
    let focused = '';
    for (let i = 0; i < 15 && focused !== 'copy'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.className ?? '');
    }
    expect(focused).toBe('copy');
    const command = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.copy);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    // Focus is visible on the button.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    expect(errors).toEqual([]);
  });

  it('home page and a search result: accessible and readable at 375 px', async () => {
    await checkPage('/', 'home');
    await checkPage('/?q=sigstore', 'search-sigstore');
  });
});

describe('type pages', () => {
  it('show every signal with its role, whether it identifies, and its evidence links', async () => {
    const { page, errors } = await newPage();
    for (const id of ['sigstore.bundle', 'amazon.soci.index', 'crossplane.package', 'carvel.imgpkg.bundle', 'cncf.helm.chart']) {
      const t = type(id);
      await page.goto(`${server.url}/types/${id}`);
      const rows = await page.$$eval('#signals tbody tr', (trs) =>
        trs.map((tr) => {
          const td = [...tr.querySelectorAll('td')];
          return { role: td[0]!.textContent!, text: td[1]!.querySelector('code')!.textContent!, identifies: td[2]!.textContent!, links: [...td[3]!.querySelectorAll('a')].map((a) => a.getAttribute('href')) };
        }),
      );
      const declared = t.artifactTypes.length + t.configMediaTypes.length + t.layers.length + t.annotations.length + t.configLabels.length + t.manifestMediaTypes.length;
      expect(rows.length, id).toBe(declared);
      for (const s of identifyingStrings(t)) {
        const text = s.matchValue !== undefined ? `${s.value}=${s.matchValue}` : s.value;
        const role = s.role === 'configLabel' ? 'label' : s.role === 'annotation' ? `annotation (on ${s.on})` : s.role;
        const row = rows.find((r) => r.role === role && r.text === text);
        expect(row, `${id} ${role} ${text}`).toBeDefined();
        expect(row!.identifies, `${id} ${text}`).toBe(s.generic ? 'fallback only (generic)' : 'yes');
        expect(row!.links, `${id} ${text}`).toEqual(s.evidence.flatMap((e) => ('url' in e ? [e.url] : [])));
      }
      // The rest is shown as not identifying.
      expect(rows.filter((r) => r.identifies === 'no').length, id).toBe(declared - identifyingStrings(t).length);
    }
    // Config labels have their own table; the annotations table says which annotation identifies.
    await page.goto(`${server.url}/types/carvel.imgpkg.bundle`);
    expect(await page.$$eval('#config-labels tbody tr td:first-child', (tds) => tds.map((td) => td.textContent))).toEqual(type('carvel.imgpkg.bundle').configLabels.map((l) => l.key));
    await page.goto(`${server.url}/types/crossplane.package`);
    const annotations = await page.$$eval('#annotations tbody tr', (trs) => trs.map((tr) => [tr.querySelector('td')!.textContent, tr.querySelectorAll('td')[3]!.textContent]));
    expect(annotations).toEqual(type('crossplane.package').annotations.map((a) => [a.key, a.identifying ? 'yes' : '']));
    await page.screenshot({ path: path.join(OUT, 'type-crossplane-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('feature a current example when the notes name one', async () => {
    const withCurrent = catalog.types.filter((t) => Object.values(t.exampleNotes ?? {}).some((n) => n.era === 'current'));
    expect(withCurrent.length).toBeGreaterThan(0);
    const { page } = await newPage();
    for (const t of withCurrent) {
      const files = (await readdir(path.join(DEFINITIONS, t.id, 'examples'))).filter((f) => f.endsWith('.manifest.json')).sort((a, b) => a.localeCompare(b));
      const current = files.find((f) => t.exampleNotes?.[f]?.era === 'current');
      if (!current) continue;
      const expected = JSON.parse(await readFile(path.join(DEFINITIONS, t.id, 'examples', current), 'utf8'));
      await page.goto(`${server.url}/types/${t.id}`);
      expect(JSON.parse((await page.textContent('#example-json'))!), t.id).toEqual(expected);
      expect(await page.$$eval('#example .example-notes code', (cs) => cs.map((c) => c.textContent)), t.id).toEqual(Object.keys(t.exampleNotes!));
    }
  });

  it('are accessible and readable at 375 px', async () => {
    await checkPage('/types/sigstore.bundle', 'type-sigstore-bundle');
    await checkPage('/types/amazon.soci.index', 'type-soci');
  });
});

describe('not found', () => {
  it('a browser gets an HTML page with the closest ids; API clients still get JSON', async () => {
    const { page } = await newPage();
    const response = await page.goto(`${server.url}/types/helm.chart`);
    expect(response!.status()).toBe(404);
    expect(response!.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.textContent('h1')).toBe('Not found');
    expect(await page.$$eval('.closest a', (as) => as.map((a) => a.getAttribute('href')))).toContain('/types/cncf.helm.chart');
    await page.click('.closest a[href="/types/cncf.helm.chart"]');
    await page.waitForURL(/\/types\/cncf\.helm\.chart$/);
    // An unknown path too.
    const other = await page.goto(`${server.url}/tpyes/sigstore.bundel`);
    expect(other!.status()).toBe(404);
    expect(await page.$$eval('.closest a', (as) => as.map((a) => a.getAttribute('href')))).toContain('/types/sigstore.bundle');

    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5']) {
      const res = await request(`${server.url}/types/helm.chart`, { headers: accept ? { Accept: accept } : {} });
      expect(res.status, String(accept)).toBe(404);
      expect(res.headers['content-type'], String(accept)).toMatch(/^application\/json/);
      expect(res.json().error.suggestions).toContain('cncf.helm.chart');
    }
    // A method error stays a 405, even for a browser.
    const post = await request(`${server.url}/types/helm.chart`, { method: 'POST', headers: { Accept: 'text/html' } });
    expect(post.status).toBe(405);
    await checkPage('/types/helm.chart', 'not-found', 404);
  });
});

describe('the registry page', () => {
  it('lists the registry and is accessible and readable at 375 px', async () => {
    const { page } = await newPage();
    await page.goto(`${server.url}/registry`);
    expect(await page.textContent('tr[data-reference$="charts/web:1.0.0"]')).toContain('Helm chart');
    await checkPage('/registry', 'registry');
  });
});

describe('the API reference', () => {
  it('is the header\'s API link on every page', async () => {
    const { page, errors } = await newPage();
    for (const url of ['/', '/types/sigstore.bundle', '/registry', '/api']) {
      await page.goto(`${server.url}${url}`);
      expect(await page.getAttribute('header.top nav a:text-is("API")', 'href'), url).toBe('/api');
    }
    await page.goto(`${server.url}/`);
    await page.click('header.top nav a:text-is("API")');
    await page.waitForURL(`${server.url}/api`);
    expect(await page.title()).toMatch(/^API · /);
    expect(errors).toEqual([]);
  });

  it('Swagger UI, served from this origin, renders every operation of /openapi.json', async () => {
    const { page, errors, csp, offsite } = await newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`${server.url}/api`);
    await page.waitForSelector('.swagger-ui .opblock');
    const document = (await request(`${server.url}/openapi.json`)).json();
    expect(await page.textContent('.swagger-ui .info .title')).toContain(document.info.title);
    const expected = Object.entries(document.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const shown = await page.$$eval('.swagger-ui .opblock', (blocks) =>
      blocks.map((b) => `${b.querySelector('.opblock-summary-method')!.textContent!.trim()} ${b.querySelector('.opblock-summary-path')!.getAttribute('data-path')}`),
    );
    expect(shown.sort()).toEqual(expected.sort());
    // The renderer and the document came from here.
    expect(requests).toEqual(expect.arrayContaining(['/assets/swagger-ui-bundle.js', '/assets/swagger-ui.css', '/assets/api-reference.js', '/openapi.json']));

    // Expanded, an operation shows its parameters and every response of the document.
    const byId = page.locator('.swagger-ui .opblock', { has: page.locator('.opblock-summary-path[data-path="/v1/types/{id}"]') });
    await byId.locator('.opblock-summary-control').click();
    await byId.locator('.parameters').waitFor();
    expect(await byId.locator('.parameters .parameter__name').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^id/)]));
    const byIdResponses = await byId.locator('.responses-table:not(.live-responses-table) > tbody > tr.response').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    expect(byIdResponses.sort()).toEqual(Object.keys(document.paths['/v1/types/{id}'].get.responses).sort());
    const classify = page.locator('.swagger-ui .opblock', { has: page.locator('.opblock-summary-path[data-path="/v1/classify"]') });
    await classify.locator('.opblock-summary-control').click();
    await classify.locator('.opblock-section-request-body').waitFor();
    const classifyResponses = await classify.locator('.responses-table:not(.live-responses-table) > tbody > tr.response').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    expect(classifyResponses.sort()).toEqual(Object.keys(document.paths['/v1/classify'].post.responses).sort());
    // "Try it out" sends to this origin and shows the answer.
    await byId.locator('button.try-out__btn').click();
    await byId.locator('tr[data-param-name="id"] input').fill('sigstore.bundle');
    const answer = page.waitForResponse((r) => r.url() === `${server.url}/v1/types/sigstore.bundle`);
    await byId.locator('button.execute').click();
    expect((await answer).status()).toBe(200);
    const status = byId.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())!.trim()).toBe('200');
    expect(await byId.locator('.live-responses-table tbody .response-col_description').first().textContent()).toContain('"id": "sigstore.bundle"');
    // Open operations and a tried one are accessible too.
    expect(await axeViolations(page), '/api with two operations open, one tried').toEqual([]);
    await byId.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'api-tried-desktop.png') });

    expect(errors).toEqual([]);
    expect(csp).toEqual([]);
    expect(offsite).toEqual([]);
    await page.context().close();
    await checkPage('/api', 'api', 200, '.swagger-ui .opblock');
  });
});
