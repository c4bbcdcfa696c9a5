// Reloads that fail, under concurrent traffic, in-process (startServer with a captured logger):
// bad JSON in a definition, a definition the checker refuses, and files or folders vanishing in a temp
// copy of definitions/ while a reload is reading it. The old catalog keeps serving, not one request
// fails, each failure is logged, and a later good reload swaps in.
//
// The vanishing is deterministic: node:fs' readdirSync and lstatSync are wrapped so a
// fault fires at an exact point of the reload (right after a folder was listed, right after a file
// was stat'ed) rather than after a guessed delay. A file or folder that was listed and is gone when
// read must refuse the reload. A folder removed before the reload starts is a legitimate removal:
// that reload swaps in the catalog without it.
import { existsSync, renameSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { Checks, inline, reliabilitySection } from '../reliability-report.ts';
import { catalogRepo, exampleManifests } from './helpers.ts';

/** One-shot faults keyed by absolute path: run right after that path was listed (readdirSync) or stat'ed (lstatSync). */
const { faults, fire } = vi.hoisted(() => {
  const faults = { afterReaddir: new Map<string, () => void>(), afterLstat: new Map<string, () => void>() };
  const fire = (hooks: Map<string, () => void>, target: unknown) => {
    const hook = hooks.get(String(target));
    if (!hook) return;
    hooks.delete(String(target));
    hook();
  };
  return { faults, fire };
});
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((dir: string, ...rest: unknown[]) => {
    const listing = (real.readdirSync as (...args: unknown[]) => unknown)(dir, ...rest);
    fire(faults.afterReaddir, dir);
    return listing;
  }) as typeof real.readdirSync;
  const lstatSync = ((target: string, ...rest: unknown[]) => {
    const info = (real.lstatSync as (...args: unknown[]) => unknown)(target, ...rest);
    fire(faults.afterLstat, target);
    return info;
  }) as typeof real.lstatSync;
  return { ...real, readdirSync, lstatSync, default: { ...real, readdirSync, lstatSync } };
});
// The hooks see this thread only: keep the checker out of its worker pool (which it uses for 64+
// folders on a multi-core machine; the workers run the same loadDefinition) as the catalog grows.
vi.mock('node:os', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:os')>();
  const availableParallelism = () => 1;
  return { ...real, availableParallelism, default: { ...real, availableParallelism } };
});

const report = reliabilitySection('api-reload-faults', 'API faults: reloads that fail, under traffic');
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
  const checks = new Checks();
  const folder = path.join(repo.root, TARGET);
  const firstFinding = (logged: typeof logs) => inline(logged[0]?.reload?.findings?.[0]?.replace(`${repo.dir}/`, '') ?? logged[0]?.reload?.message ?? '(not logged)', 140);
  let original: string | undefined;
  let types = 0;
  let reloadMs = 0;
  try {
    original = await etag();
    types = (JSON.parse((await get('/v1/catalog')).text) as { types: unknown[] }).types.length;
    // A good reload of the same tree, timed.
    let t = Date.now();
    checks.check('a reload of the unchanged tree swaps in', await server.reload());
    reloadMs = Date.now() - t;
    checks.check('a reload of the unchanged tree keeps the ETag', (await etag()) === original);

    /** A reload that must be refused: false, the old catalog still served, exactly one error-level log line. */
    const refusedReload = async (name: string, fired: () => boolean, how: string, label = name) => {
      const before = failedLogs().length;
      const ok = await server.reload();
      const logged = failedLogs().slice(before);
      const served = await etag();
      const injected = fired();
      checks.check(`${name}: fault injected`, injected, 'the hook never fired: the reload did not list or stat that path in this thread');
      checks.check(`${name}: reload refused`, !ok);
      checks.check(`${name}: old catalog still served`, served === original, `ETag ${served}, was ${original}`);
      checks.check(`${name}: logged once at error level`, logged.length === 1 && logged[0]!.level === 50, `${logged.length} lines, levels ${logged.map((l) => l.level).join(', ')}`);
      rows.push(`| ${label} | ${how} | ${!injected ? '**not injected**' : ok ? '**swapped in**' : 'refused'} | ${firstFinding(logged)} |`);
    };

    // Broken contents.
    const definition = await readFile(file('definition.json'), 'utf8');
    const logo = await readFile(file('logo.svg'), 'utf8');
    const broken: Array<[string, () => Promise<void>]> = [
      ['bad JSON in definition.json', () => writeFile(file('definition.json'), definition.replace('"id"', '"id": ,"x"'))],
      ['duplicate key in definition.json', () => writeFile(file('definition.json'), definition.replace('"id"', '"id": "sylabs.sif", "id"'))],
      ['definition failing the checker (id not its folder)', () => writeFile(file('definition.json'), definition.replace(`"id": "${TARGET}"`, '"id": "sylabs.other"'))],
      ['definition failing the checker (bad media type)', () => writeFile(file('definition.json'), definition.replace(/"application\/vnd\.sylabs\.sif\.layer\.v1\.sif"/, '"not a media type"'))],
      ['definition.json deleted', () => rm(file('definition.json'))],
      ['logo.svg deleted', () => rm(file('logo.svg'))],
    ];
    for (const [name, apply] of broken) {
      await apply();
      await refusedReload(name, () => true, 'before the reload');
      await writeFile(file('definition.json'), definition);
      await writeFile(file('logo.svg'), logo);
    }

    // Vanishing mid-reload, at exact points: each was listed by this reload and is gone when read.
    const example = 'lolcow.manifest.json';
    const vanishing: Array<{ name: string; how: string; hooks: Map<string, () => void>; at: string; from: string }> = [
      { name: 'definition.json renamed away', how: `after ${TARGET}/ was listed, before definition.json was read`, hooks: faults.afterReaddir, at: folder, from: file('definition.json') },
      { name: 'logo.svg renamed away', how: `after ${TARGET}/ was listed, before logo.svg was read`, hooks: faults.afterReaddir, at: folder, from: file('logo.svg') },
      { name: 'README.md renamed away', how: `after ${TARGET}/ was listed, before README.md was read`, hooks: faults.afterReaddir, at: folder, from: file('README.md') },
      { name: `examples/${example} renamed away`, how: 'after examples/ was listed, before the example was read', hooks: faults.afterReaddir, at: file('examples'), from: file('examples', example) },
      { name: 'definition.json renamed away', how: 'after its lstat, before its open', hooks: faults.afterLstat, at: file('definition.json'), from: file('definition.json') },
      { name: 'examples/ renamed away', how: `after ${TARGET}/ was listed, before examples/ was listed`, hooks: faults.afterReaddir, at: folder, from: file('examples') },
      { name: `the ${TARGET} folder renamed away`, how: `after definitions/ was listed, before ${TARGET}/ was`, hooks: faults.afterReaddir, at: repo.root, from: folder },
    ];
    for (const [i, fault] of vanishing.entries()) {
      // Out of definitions/ altogether (a renamed folder left inside would be listed as a definition).
      const to = path.join(repo.dir, `vanished-${i}`);
      let fired = false;
      fault.hooks.set(fault.at, () => {
        fired = true;
        renameSync(fault.from, to);
      });
      try {
        await refusedReload(`${fault.name} (${fault.how})`, () => fired, fault.how, fault.name);
      } finally {
        fault.hooks.delete(fault.at);
        if (existsSync(to)) renameSync(to, fault.from);
      }
    }

    // A legitimate removal: the folder is gone before the reload starts, so the catalog without it is
    // valid and swaps in; putting it back swaps the full catalog back in.
    const aside = path.join(repo.dir, `${TARGET}.removed`);
    await rename(folder, aside);
    const removed = await server.reload();
    const without = JSON.parse((await get('/v1/catalog')).text) as { types: Array<{ id: string }> };
    const gone = (await get(`/v1/types/${TARGET}`)).status;
    await rename(aside, folder);
    const restored = await server.reload();
    const back = await etag();
    checks.check(`${TARGET} folder removed before a reload: swapped in`, removed);
    checks.check(`${TARGET} folder removed before a reload: every other type served`, without.types.length === types - 1 && !without.types.some((x) => x.id === TARGET), `${without.types.length} types`);
    checks.check(`${TARGET} folder removed before a reload: its type answers 404`, gone === 404, `${gone}`);
    checks.check(`${TARGET} folder put back: swapped back in, same ETag`, restored && back === original, `reload ${restored}, ETag ${back}`);
    rows.push(`| the ${TARGET} folder removed (legitimate removal, not a fault) | before the reload | ${removed ? 'swapped in' : '**refused**'} | ${without.types.length} of ${types} types served, GET /v1/types/${TARGET} ${gone}; put back: ${restored && back === original ? 'swapped back in, the original ETag' : '**not restored**'} |`);

    // A good change now swaps in.
    t = Date.now();
    await writeFile(file('definition.json'), definition.replace(/"displayName": "[^"]*"/, '"displayName": "Reloaded SIF"'));
    const changed = await server.reload();
    const swapMs = Date.now() - t;
    const shown = JSON.parse((await get(`/v1/types/${TARGET}`)).text).displayName;
    const after = await etag();
    checks.check('a good change swaps in', changed && shown === 'Reloaded SIF' && after !== original, `reload ${changed}, displayName ${shown}`);
    rows.push(`| a good change after all that | — | ${changed ? `swapped in (${swapMs} ms)` : '**refused**'} | ${shown === 'Reloaded SIF' ? 'served at once' : `**served ${shown}**`} |`);
  } finally {
    await load.stop();
  }
  checks.check('no request failed during the reloads', load.failures.length === 0, `${load.failures.length}: ${load.failures.slice(0, 3).join('; ')}`);
  checks.check('more than 100 requests during the reloads', load.count() > 100, `${load.count()}`);
  const metrics = (await get('/metrics')).text;
  // Every refused reload was logged at error level.
  const refused = Number(/artifact_types_catalog_reloads_total\{result="failed"\} (\d+)/.exec(metrics)?.[1]);
  const errorLogs = failedLogs().filter((l) => l.level === 50).length;
  checks.check('refused reloads (metrics) equal error-level log lines', errorLogs === refused, `${refused} refused, ${errorLogs} logged`);
  report.record(
    `startServer on a temp copy of definitions/ (full catalog), eight clients in a loop the whole time (GET /v1/catalog checked whole — its ETag is its own digest — then again with If-None-Match; GET /v1/types/opencontainers.image; POST /v1/classify with a real Helm manifest). Faults in \`${TARGET}\`; a reload of the unchanged tree takes ${reloadMs} ms. Vanishing files are renamed away at an exact point of the reload (node:fs readdirSync and lstatSync wrapped in the test), not after a guessed delay: anything the reload listed and then cannot read must refuse it. test/reliability/api-reload-faults.test.ts.\n\n| Fault | When | Reload | Logged (error level) / served |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n\nRequests during the faults: ${load.count()}, failed: ${load.failures.length}. Catalog digests served: ${load.digests.size}. Metrics: ${(metrics.match(/artifact_types_catalog_reloads_total\{[^}]*\} \d+/g) ?? []).join(', ')}. ${checks.summary()}`,
  );
  expect(checks.failed).toEqual([]);
});
