// `npm run bench -- api`: this server against nginx serving the same prebuilt JSON files, in one
// run on one machine, with autocannon (50 connections, bounded duration per measurement).
// Routes: GET /v1/types/{id}, GET /v1/catalog (200 and 304 via If-None-Match), POST /v1/classify
// (ours alone: nginx cannot classify). Our server runs from a prebuilt dist/ (serve --catalog) with
// 1 worker and with 2 (node:cluster); nginx with 2 worker processes, sending the same headers as
// ours (and, for reference, only its own). Logs of both go to /dev/null.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { writeDist } from '../../src/catalog/dist.ts';
import { readCatalogFile } from '../../src/catalog/load-catalog.ts';
import { runChecks } from '../../src/checks/run.ts';
import { buildState } from '../../src/server/state.ts';
import { freePort } from '../free-port.ts';
import { median } from './median.ts';

// autocannon ships no types; this is the part of its result used here.
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<CannonResult>;

const REPO = path.resolve(import.meta.dirname, '../..');
const NGINX = '/usr/sbin/nginx';
const CONNECTIONS = 50;
const DURATION = 5; // seconds per measurement
const WARMUP = 1;

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  bytes: number;
  /** Server CPU time (user + system, all its processes) per request, in µs: robust to a busy machine. */
  cpuPerRequest: number;
}

/** user + system CPU seconds of a process and all its descendants (Linux /proc). */
async function treeCpuSeconds(rootPid: number): Promise<number> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 15) continue;
    stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  let ticks = 0;
  const wanted = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of stats) if (!wanted.has(pid) && wanted.has(s.ppid)) (wanted.add(pid), (grew = true));
  }
  for (const pid of wanted) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks / 100; // USER_HZ
}

async function waitReady(url: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function cannon(pid: number, options: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; expect: number }): Promise<Measure> {
  const run = (duration: number) => autocannon({ url: options.url, method: options.method ?? 'GET', headers: options.headers, body: options.body, connections: CONNECTIONS, duration });
  await run(WARMUP);
  const cpuBefore = await treeCpuSeconds(pid);
  const result = await run(DURATION);
  const cpu = (await treeCpuSeconds(pid)) - cpuBefore;
  const codes = result.statusCodeStats;
  const bad = result.errors + result.timeouts + Object.entries(codes).filter(([code]) => Number(code) !== options.expect).reduce((n, [, s]) => n + s.count, 0);
  const total = result.requests.average * DURATION;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad, bytes: result.throughput.average, cpuPerRequest: total > 0 ? (cpu * 1e6) / total : 0 };
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function prepareFiles(work: string): Promise<{ dist: string; www: string; typeId: string; classifyBody: string }> {
  // The committed catalog (not the working tree, which others may be editing mid-run).
  execSync(`git archive --format=tar HEAD definitions | tar -x -C ${JSON.stringify(work)}`, { cwd: REPO });
  const root = path.join(work, 'definitions');
  const { catalog } = await runChecks({ root });
  const dist = path.join(work, 'dist');
  await writeDist(dist, catalog, root);
  // nginx serves byte-identical bodies, taken from the server's own prepared responses.
  const state = await buildState({ catalog: await readCatalogFile(path.join(dist, 'catalog.json')), logos: new Map(), docs: new Map(), source: 'bench' });
  const www = path.join(work, 'www');
  await mkdir(path.join(www, 'v1', 'types'), { recursive: true });
  await writeFile(path.join(www, 'v1', 'catalog'), state.catalogResponse.body);
  await writeFile(path.join(www, 'v1', 'catalog.gz'), state.catalogResponse.gzip!);
  for (const type of state.catalog.types) await writeFile(path.join(www, 'v1', 'types', type.id), (await state.typeResponse(type)).body);
  const typeId = state.catalog.types.some((t) => t.id === 'cncf.helm.chart') ? 'cncf.helm.chart' : state.catalog.types[0]!.id;
  const classifyBody = await readFile(path.join(root, 'cncf.helm.chart', 'examples', 'nginx.manifest.json'), 'utf8');
  return { dist, www, typeId, classifyBody };
}

/** Headers nginx makes itself (or must make itself, like its own ETag); every other header of ours it is told to add. */
const NGINX_OWN = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'etag', 'last-modified', 'accept-ranges', 'content-encoding', 'transfer-encoding', 'server']);

interface RouteHeaders {
  contentType: string;
  add: Array<[string, string]>;
}

/** The headers our server sends on a route: nginx is configured to send the same, so both put the same bytes on the wire. */
async function headersOf(url: string): Promise<RouteHeaders> {
  const res = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  await res.arrayBuffer();
  const add: Array<[string, string]> = [];
  for (const [name, value] of res.headers) {
    if (NGINX_OWN.has(name)) continue;
    if (/["\\$]/.test(value)) throw new Error(`header ${name} has a character this nginx.conf writer does not escape: ${value}`);
    add.push([name, value]);
  }
  return { contentType: res.headers.get('content-type') ?? 'application/json', add };
}

function location(match: string, headers: RouteHeaders, extra = ''): string {
  return `    location ${match} { default_type "${headers.contentType}"; ${extra}${headers.add.map(([n, v]) => `add_header ${n} "${v}";`).join(' ')} }`;
}

/**
 * One nginx, two servers: `same` sends our headers on each route (the fair peer: same bytes on the
 * wire, which matters because autocannon, on the same 2 cores, is the bottleneck for nginx), `plain`
 * sends only nginx's own few (a reference: what the headers cost).
 */
async function startNginx(work: string, www: string, ports: { same: number; plain: number }, routes: { catalog: RouteHeaders; type: RouteHeaders }): Promise<ChildProcess> {
  const temp = path.join(work, 'nginx');
  await mkdir(temp, { recursive: true });
  const conf = path.join(temp, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off;
worker_processes 2;
pid ${temp}/nginx.pid;
error_log ${temp}/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log /dev/null;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server_tokens off;
  server {
    listen 127.0.0.1:${ports.same};
    root ${www};
${location('= /v1/catalog', routes.catalog, 'gzip_static on; ')}
${location('/v1/types/', routes.type)}
  }
  server {
    listen 127.0.0.1:${ports.plain};
    root ${www};
    location / { gzip_static on; add_header Cache-Control "public, max-age=60, must-revalidate"; }
  }
}
`,
  );
  await chmod(work, 0o755);
  const child = spawn(NGINX, ['-c', conf, '-p', temp], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitReady(`http://127.0.0.1:${ports.same}/v1/catalog`);
  return child;
}

async function startOurs(dist: string, port: number, workers: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/artifact-types.js'), 'serve', '--catalog', path.join(dist, 'catalog.json'), '--port', String(port), '--workers', String(workers)], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  // With several workers, wait until each has had a chance to come up.
  if (workers > 1) await new Promise((r) => setTimeout(r, 3_000));
  return child;
}

/** The identity-encoded body's ETag (nginx's gzip_static variant has another). */
async function etagOf(url: string): Promise<string> {
  const res = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  await res.arrayBuffer();
  return res.headers.get('etag')!;
}

type RouteKey = 'type' | 'catalog' | 'catalogGzip' | 'catalog304' | 'classify';
const GETS: RouteKey[] = ['type', 'catalog', 'catalogGzip', 'catalog304'];
const LABELS: Record<RouteKey, string> = {
  type: 'GET /v1/types/{id}',
  catalog: 'GET /v1/catalog (200)',
  catalogGzip: 'GET /v1/catalog (200, gzip)',
  catalog304: 'GET /v1/catalog (304)',
  classify: 'POST /v1/classify',
};
const ROUNDS = 3;

interface Target {
  name: string;
  pid: number;
  base: string;
  etag: string;
  classify: boolean;
}

function load(target: Target, route: RouteKey, typeId: string, classifyBody: string): Parameters<typeof cannon>[1] {
  const { base } = target;
  switch (route) {
    case 'type':
      return { url: `${base}/v1/types/${typeId}`, expect: 200 };
    case 'catalog':
      return { url: `${base}/v1/catalog`, expect: 200 };
    case 'catalogGzip':
      return { url: `${base}/v1/catalog`, headers: { 'accept-encoding': 'gzip' }, expect: 200 };
    case 'catalog304':
      return { url: `${base}/v1/catalog`, headers: { 'if-none-match': target.etag }, expect: 304 };
    case 'classify':
      return { url: `${base}/v1/classify`, method: 'POST', headers: { 'content-type': 'application/json' }, body: classifyBody, expect: 200 };
  }
}

/** Each field's median over the rounds; `bad` is summed, since any failure counts. */
function medianOf(measures: Measure[]): Measure {
  const of = (key: keyof Measure) => median(measures.map((m) => m[key]));
  return { rps: of('rps'), p50: of('p50'), p99: of('p99'), bytes: of('bytes'), cpuPerRequest: of('cpuPerRequest'), bad: measures.reduce((n, m) => n + m.bad, 0) };
}

export async function run(): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-bench-'));
  const children: ChildProcess[] = [];
  try {
    const { dist, www, typeId, classifyBody } = await prepareFiles(work);
    const catalogBytes = (await readFile(path.join(www, 'v1', 'catalog'))).length;
    const gzipBytes = (await readFile(path.join(www, 'v1', 'catalog.gz'))).length;
    const typeCount = (await readCatalogFile(path.join(dist, 'catalog.json'))).types.length;

    const targets: Target[] = [];
    for (const workers of [1, 2]) {
      const port = await freePort();
      const ours = await startOurs(dist, port, workers);
      children.push(ours);
      targets.push({ name: workers === 1 ? 'one' : 'two', pid: ours.pid!, base: `http://127.0.0.1:${port}`, etag: '', classify: true });
    }
    const routes = { catalog: await headersOf(`${targets[0]!.base}/v1/catalog`), type: await headersOf(`${targets[0]!.base}/v1/types/${typeId}`) };
    const ports = { same: await freePort(), plain: await freePort() };
    const nginx = await startNginx(work, www, ports, routes);
    children.push(nginx);
    targets.unshift({ name: 'same', pid: nginx.pid!, base: `http://127.0.0.1:${ports.same}`, etag: '', classify: false }, { name: 'plain', pid: nginx.pid!, base: `http://127.0.0.1:${ports.plain}`, etag: '', classify: false });
    for (const target of targets) target.etag = await etagOf(`${target.base}/v1/catalog`);

    // Rounds interleave the servers route by route, so a slow spell on this shared machine hits all
    // of them alike; each cell is the median over the rounds.
    const loadBefore = os.loadavg()[0]!;
    const runs = new Map<string, Measure[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of [...GETS, 'classify'] as RouteKey[]) {
        for (const target of targets) {
          if (route === 'classify' && !target.classify) continue;
          const key = `${target.name}:${route}`;
          runs.set(key, [...(runs.get(key) ?? []), await cannon(target.pid, load(target, route, typeId, classifyBody))]);
        }
      }
    }
    const loadAfter = os.loadavg()[0]!;
    const cell = (name: string, route: RouteKey) => (runs.has(`${name}:${route}`) ? medianOf(runs.get(`${name}:${route}`)!) : null);

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
    const show = (m: Measure | null) => (m ? `${fmt(m.rps)} / ${ms(m.p99)} / ${Math.round(m.cpuPerRequest)} µs` : 'n/a');
    const ratio = (m: Measure | null, peer: Measure | null) => (m && peer ? `${Math.round((m.rps / peer.rps) * 100)}%` : 'n/a');
    const rows = ([...GETS, 'classify'] as RouteKey[]).map((route) => {
      const [same = null, plain = null, one = null, two = null] = ['same', 'plain', 'one', 'two'].map((name) => cell(name, route));
      const bad = [same, plain, one, two].reduce((n, m) => n + (m?.bad ?? 0), 0);
      return `| ${LABELS[route]} | ${show(same)} | ${show(plain)} | ${show(one)} | ${ratio(one, same)} | ${show(two)} | ${ratio(two, same)} | ${bad} |`;
    });
    const short: Record<RouteKey, string> = { type: '/v1/types/{id}', catalog: '/v1/catalog 200', catalogGzip: '/v1/catalog 200 gzip', catalog304: '/v1/catalog 304', classify: '/v1/classify' };
    // The verdict per configuration: the issue allows both cores (node:cluster) if that is what it takes,
    // but on 2 cores autocannon needs one of them, so one worker can beat two.
    const verdict = (name: 'one' | 'two', label: string) => {
      const worst = Math.min(...GETS.map((route) => cell(name, route)!.rps / cell('same', route)!.rps));
      const slow = GETS.filter((route) => cell(name, route)!.p99 >= 10);
      const againstPlain = Math.min(...GETS.map((route) => cell(name, route)!.rps / cell('plain', route)!.rps));
      return { worst, label, line: `${label}: lowest GET ratio **${Math.round(worst * 100)}%** (${worst >= 0.5 ? 'met' : 'not met'}; against nginx sending only its own headers: ${Math.round(againstPlain * 100)}%); p99 ${GETS.map((route) => `${short[route]} ${ms(cell(name, route)!.p99)}`).join(', ')} (${slow.length === 0 ? 'met' : `over 10 ms on ${slow.map((route) => short[route]).join(', ')}`})` };
    };
    const verdicts = [verdict('one', '1 worker'), verdict('two', '2 workers')];
    const nginxSlow = GETS.filter((route) => cell('same', route)!.p99 >= 10);
    // Little's law: 50 closed-loop clients each wait for their answer, so mean latency = 50 / (requests/s).
    const floor = (route: RouteKey) => (CONNECTIONS / Math.max(cell('same', route)!.rps, cell('plain', route)!.rps)) * 1000;
    const withinReach = GETS.filter((route) => floor(route) >= 10);
    return `## API server vs nginx

autocannon, ${CONNECTIONS} connections, ${DURATION} s per measurement (after a ${WARMUP} s warm-up), no pipelining; all servers on 127.0.0.1 on the same 2-core machine as autocannon. ${ROUNDS} rounds, each measuring every server on every route in turn; a cell is the median of the rounds.
Catalog: the committed definitions (${typeCount} types; /v1/catalog body ${Math.round(catalogBytes / 1024)} KiB, ${Math.round(gzipBytes / 1024)} KiB gzipped). Ours is \`artifact-types serve --catalog dist/catalog.json\` (express 5, helmet, pino-http JSON logs to /dev/null), 1 process and 2 (\`--workers 2\`, node:cluster).
nginx ${execSync(`${NGINX} -v 2>&1`).toString().trim().replace('nginx version: ', '')} (2 worker processes, sendfile, access log to /dev/null) serves the byte-identical prebuilt files (our gzip bytes through gzip_static), with its own ETag (from mtime and size). The peer, **nginx (same headers)**, is configured to send every header ours sends on that route (${routes.type.add.length} on /v1/types/{id}: helmet's security headers, CORS, Cache-Control, Vary), read from our server at the start of the run, so both put the same bytes on the wire. **nginx (own headers)** sends only its few: a reference showing what the headers cost. They matter because on this machine autocannon, not nginx, is the bottleneck: it has to read every header.
Cells: requests/s / p99 latency / server CPU time per request (user + system of all the server's processes, from /proc). Ratio: ours ÷ nginx (same headers) requests/s.
Load average (1 min) before and after the run: ${loadBefore.toFixed(1)} and ${loadAfter.toFixed(1)} on ${os.cpus().length} cores.

| Route | nginx (same headers) | nginx (own headers) | ours, 1 worker | ratio | ours, 2 workers | ratio | errors / unexpected status |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Target: ≥ 50% of nginx's requests/s on the GET routes and p99 < 10 ms at ${CONNECTIONS} connections.
- ${verdicts[0]!.line}.
- ${verdicts[1]!.line}.
- nginx (same headers) p99: ${GETS.map((route) => `${short[route]} ${ms(cell('same', route)!.p99)}`).join(', ')}.
- Throughput target ${verdicts.some((v) => v.worst >= 0.5) ? `**met** (${verdicts.filter((v) => v.worst >= 0.5).map((v) => v.label).join(' and ')})` : '**not met**'}.
- Latency: ${withinReach.length ? `with ${CONNECTIONS} clients each waiting for its answer, mean latency is ${CONNECTIONS} ÷ requests/s (Little's law); even at the faster nginx's rate that is ${withinReach.map((route) => `${ms(floor(route))} on ${short[route]}`).join(', ')}, so no server can have a p99 under 10 ms there on this machine${nginxSlow.length ? ` (nginx's own p99: ${nginxSlow.map((route) => `${ms(cell('same', route)!.p99)} on ${short[route]}`).join(', ')})` : ''}. The target is judged on the other GET routes` : 'every GET route can meet the target (Little\'s law floor under 10 ms)'}.
- CPU per request, ours (1 worker) ÷ nginx (same headers): ${GETS.map((route) => `${short[route]} ${(cell('one', route)!.cpuPerRequest / cell('same', route)!.cpuPerRequest).toFixed(1)}×`).join('; ')}.

GET /v1/catalog and /v1/types/{id} are answered by the fast lane (src/server/fast-lane.ts: prepared bytes, same logger, metrics and helmet headers, no express routing); everything else goes through express.
`;
  } finally {
    for (const child of children) await stop(child, 'SIGKILL').catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}
