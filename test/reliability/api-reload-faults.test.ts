// Reloads that fail, under concurrent traffic, in-process (startServer with a captured logger):
// bad JSON in a definition, a definition the checker refuses, and files vanishing or being renamed
// in a temp copy of definitions/ while a reload is reading it. The old catalog keeps serving, not
// one request fails, each failure is logged, and a later good reload swaps in.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { writeReliabilitySection } from '../reliability-report.ts';
import { catalogRepo, exampleManifests } from './helpers.ts';

let repo: Awaited<ReturnType<typeof catalogRepo>>;
let server: RunningServer;
const logs: Array<{ level: number; msg: string; reload?: { message: string; findings?: string[] } }> = [];
const TARGET = 'sylabs.sif'; // the definition the faults hit; traffic reads others

beforeAll(async () => {
  repo = await catalogRepo();
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  server = await startServer({ root: repo.root, host: '127.0.0.1', port: 0, logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function get(pathname: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${pathname}`, { agent, method: body ? 'POST' : 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Eight clients in a loop over catalog (200 and 304), a type, and classify; every answer is checked. */
function traffic(helm: string): { stop(): Promise<void>; count: () => number; failures: string[]; digests: Set<string> } {
  let stopped = false;
  let count = 0;
  const failures: string[] = [];
  const digests = new Set<string>();
  const loops = Array.from({ length: 8 }, async (_, i) => {
    while (!stopped) {
      try {
        if (i % 4 === 0) {
          const res = await get('/v1/catalog');
          const catalog = JSON.parse(res.text) as { digest: string; types: unknown[] };
          // A whole, consistent catalog: its ETag is its own digest.
          if (res.status !== 200 || res.headers.etag !== `"${catalog.digest}"`) failures.push(`catalog ${res.status} ${res.headers.etag}`);
          digests.add(catalog.digest);
          const again = await get('/v1/catalog', { 'If-None-Match': res.headers.etag! });
          if (again.status !== 304 && again.status !== 200) failures.push(`conditional ${again.status}`);
        } else if (i % 4 === 1) {
          const res = await get('/v1/types/opencontainers.image');
          if (res.status !== 200 || JSON.parse(res.text).id !== 'opencontainers.image') failures.push(`type ${res.status} ${res.text.slice(0, 200)}`);
        } else {
          const res = await get('/v1/classify', { 'Content-Type': 'application/json' }, helm);
          if (res.status !== 200 || JSON.parse(res.text).id !== 'cncf.helm.chart') failures.push(`classify ${res.status} ${res.text.slice(0, 200)}`);
        }
        count++;
      } catch (error) {
        failures.push(`request error ${(error as Error).message}`);
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
    count: () => count,
    failures,
    digests,
  };
}

const file = (...parts: string[]) => path.join(repo.root, TARGET, ...parts);
const etag = async () => (await get('/v1/catalog')).headers.etag;
const failedLogs = () => logs.filter((l) => l.msg === 'catalog reload failed; still serving the previous catalog');

it('keeps serving through broken reloads and vanishing files, then swaps in a good one', { timeout: 180_000 }, async () => {
  const examples = await exampleManifests(repo.root);
  const helm = examples.find((e) => e.includes('application/vnd.cncf.helm.config.v1+json'))!;
  const load = traffic(helm);
  const rows: string[] = [];
  try {
    const original = await etag();
    const types = (JSON.parse((await get('/v1/catalog')).text) as { types: unknown[] }).types.length;
    // A good reload of the same tree, timed: the vanishing files below are spread over this span.
    let t = Date.now();
    expect(await server.reload()).toBe(true);
    const reloadMs = Date.now() - t;
    expect(await etag()).toBe(original);

    const definition = await readFile(file('definition.json'), 'utf8');
    const faults: Array<[string, () => Promise<void>]> = [
      ['bad JSON in definition.json', () => writeFile(file('definition.json'), definition.replace('"id"', '"id": ,"x"'))],
      ['duplicate key in definition.json', () => writeFile(file('definition.json'), definition.replace('"id"', '"id": "sylabs.sif", "id"'))],
      ['definition failing the checker (id not its folder)', () => writeFile(file('definition.json'), definition.replace(`"id": "${TARGET}"`, '"id": "sylabs.other"'))],
      ['definition failing the checker (bad media type)', () => writeFile(file('definition.json'), definition.replace(/"application\/vnd\.sylabs\.sif\.layer\.v1\.sif"/, '"not a media type"'))],
      ['definition.json deleted', () => rm(file('definition.json'))],
      ['logo.svg deleted', () => rm(file('logo.svg'))],
    ];
    for (const [name, apply] of faults) {
      await apply();
      const before = failedLogs().length;
      const ok = await server.reload();
      await writeFile(file('definition.json'), definition);
      const logged = failedLogs().slice(before);
      rows.push(`| ${name} | refused | ${logged[0]?.reload?.findings?.[0]?.replace(`${repo.dir}/`, '').replace(/\|/g, '\\|').slice(0, 140) ?? logged[0]?.reload?.message ?? '(not logged)'} |`);
      expect(ok, name).toBe(false);
      expect(await etag(), name).toBe(original);
      expect(logged, name).toHaveLength(1);
      expect(logged[0]!.level).toBe(50);
    }
    // The logo deleted above: restore it from git.
    const { execSync } = await import('node:child_process');
    execSync(`git show HEAD:definitions/${TARGET}/logo.svg > ${JSON.stringify(file('logo.svg'))}`, { cwd: path.resolve(import.meta.dirname, '../..') });

    // Files vanishing (deleted, renamed away) at points spread over a reload's reading time.
    const vanish: Array<[string, string, string]> = [
      ['definition.json renamed away', file('definition.json'), file('definition.json.moved')],
      ['logo.svg renamed away', file('logo.svg'), file('logo.svg.moved')],
      ['README.md renamed away', file('README.md'), file('README.md.moved')],
      ['the definition folder renamed', path.join(repo.root, TARGET), path.join(repo.root, `${TARGET}.moved`)],
    ];
    const outcomes = new Map<string, { refused: number; swapped: number }>();
    // Reading the files is the first few milliseconds of a reload (checking them is the rest).
    const delays = [1, 5, 15, 40];
    for (const delay of delays) {
      for (const [name, from, to] of vanish) {
        const reloading = server.reload();
        await new Promise((r) => setTimeout(r, delay));
        await rename(from, to);
        const ok = await reloading;
        await rename(to, from);
        const served = JSON.parse((await get('/v1/catalog')).text) as { types: Array<{ id: string }> };
        // Swapped or not, what is served is whole: every type, or (a folder gone) every other type.
        const complete = served.types.length === types || (name.includes('folder') && served.types.length === types - 1 && !served.types.some((x) => x.id === TARGET));
        expect(complete, `${name} after ${delay} ms: ${served.types.length} types`).toBe(true);
        const o = outcomes.get(name) ?? { refused: 0, swapped: 0 };
        if (ok) o.swapped++;
        else o.refused++;
        outcomes.set(name, o);
      }
    }
    for (const [name, o] of outcomes) rows.push(`| ${name}, mid-reload (${delays.length} times, ${delays.join(', ')} ms into a ${reloadMs} ms reload) | refused ${o.refused}, swapped ${o.swapped} (swapped: the file was read before it vanished, or the folder's absence is a valid catalog) | whole catalog served throughout |`);

    // A good change now swaps in.
    t = Date.now();
    await writeFile(file('definition.json'), definition.replace(/"displayName": "[^"]*"/, '"displayName": "Reloaded SIF"'));
    expect(await server.reload()).toBe(true);
    const swapMs = Date.now() - t;
    expect(JSON.parse((await get(`/v1/types/${TARGET}`)).text).displayName).toBe('Reloaded SIF');
    expect(await etag()).not.toBe(original);
    rows.push(`| a good change after all that | swapped in (${swapMs} ms) | served at once |`);
  } finally {
    await load.stop();
  }
  expect(load.failures.slice(0, 5)).toEqual([]);
  expect(load.count()).toBeGreaterThan(100);
  const metrics = (await get('/metrics')).text;
  // Every refused reload, mid-read ones included, was logged at error level.
  const refused = Number(/artifact_types_catalog_reloads_total\{result="failed"\} (\d+)/.exec(metrics)?.[1]);
  expect(failedLogs().filter((l) => l.level === 50)).toHaveLength(refused);
  writeReliabilitySection(
    'api-reload-faults',
    `## API faults: reloads that fail, under traffic\n\nstartServer on a temp copy of definitions/ (full catalog), eight clients in a loop the whole time (GET /v1/catalog checked whole — its ETag is its own digest — then again with If-None-Match; GET /v1/types/opencontainers.image; POST /v1/classify with a real Helm manifest). Faults in \`${TARGET}\`. test/reliability/api-reload-faults.test.ts.\n\n| Fault | Reload | Logged (error level) / served |\n| --- | --- | --- |\n${rows.join('\n')}\n\nRequests during the faults: ${load.count()}, failed: ${load.failures.length}. Catalog digests served: ${load.digests.size}. Metrics: ${(metrics.match(/artifact_types_catalog_reloads_total\{[^}]*\} \d+/g) ?? []).join(', ')}.`,
  );
});
