// `npm run bench -- api`: this server against its peers, in one run on one machine, driven by wrk
// (C, Debian package): nginx serving the static export (`artifact-types build`'s dist/api/ with its
// generated nginx.conf: the same bytes and headers as ours, by construction), a bare node:http
// server answering the very same recorded responses (the ceiling of this stack), and ours with 1
// worker and with 2 (node:cluster). 50 connections, bounded duration per measurement. Then a CPU
// profile of one worker under load says where its time goes.
import { execFile, execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeDist } from '../../src/catalog/dist.ts';
import { readCatalogFile } from '../../src/catalog/load-catalog.ts';
import { runChecks } from '../../src/checks/run.ts';
import { staticExportStep } from '../../src/server/static-export.ts';
import { freePort } from '../free-port.ts';
import { NGINX, startExportNginx } from '../static-nginx.ts';
import { median } from './median.ts';

const run$ = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const WRK = '/usr/bin/wrk';
const CONNECTIONS = 50;
const THREADS = 2;
const DURATION = 5; // seconds per measurement
const WARMUP = 1;
const ROUNDS = 2;
const PROFILE_SECONDS = 6;

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
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

async function waitReady(url: string, ms = 180_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url).then((r) => (void r.arrayBuffer(), r.ok), () => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** wrk's latency ("812.00us", "1.20ms", "1.01s") in ms. */
function ms(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!m) throw new Error(`wrk latency ${value}`);
  return Number(m[1]) * (m[2] === 'us' ? 1e-3 : m[2] === 's' ? 1e3 : 1);
}

interface Load {
  url: string;
  headers?: Record<string, string>;
  /** A Lua script for wrk (POST bodies). */
  script?: string;
}

async function wrk(load: Load, seconds: number): Promise<{ rps: number; p50: number; p99: number; bad: number; requests: number }> {
  const args = ['-t', String(THREADS), '-c', String(CONNECTIONS), '-d', `${seconds}s`, '--latency', ...Object.entries(load.headers ?? {}).flatMap(([n, v]) => ['-H', `${n}: ${v}`]), ...(load.script ? ['-s', load.script] : []), load.url];
  const { stdout } = await run$(WRK, args, { maxBuffer: 1 << 20 });
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const bad = num(/Non-2xx or 3xx responses: (\d+)/) + (socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { rps: num(/Requests\/sec:\s+([\d.]+)/), p50: ms(/\n\s+50%\s+(\S+)/.exec(stdout)![1]!), p99: ms(/\n\s+99%\s+(\S+)/.exec(stdout)![1]!), bad, requests: num(/(\d+) requests in/) };
}

async function measure(pid: number, load: Load): Promise<Measure> {
  await wrk(load, WARMUP);
  const before = await treeCpuSeconds(pid);
  const result = await wrk(load, DURATION);
  const cpu = (await treeCpuSeconds(pid)) - before;
  return { rps: result.rps, p50: result.p50, p99: result.p99, bad: result.bad, cpuPerRequest: result.requests > 0 ? (cpu * 1e6) / result.requests : 0 };
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function startOurs(dist: string, port: number, workers: number, extraNodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...extraNodeArgs, path.join(REPO, 'bin/artifact-types.js'), 'serve', '--catalog', path.join(dist, 'catalog.json'), '--port', String(port), '--workers', String(workers)], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  if (workers > 1) await new Promise((r) => setTimeout(r, 3_000)); // each worker up
  return child;
}

/** One response of ours as it went on the wire (status, raw header list but Date/Connection/Keep-Alive, body). */
function record(base: string, p: string, inm: string): Promise<{ path: string; inm: string; status: number; headers: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${p}`, { headers: inm ? { 'if-none-match': inm } : {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (!/^(date|connection|keep-alive)$/i.test(res.rawHeaders[i]!)) headers.push(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        resolve({ path: p, inm, status: res.statusCode!, headers, body: Buffer.concat(chunks).toString('base64') });
      });
    });
    req.on('error', reject);
  });
}

type RouteKey = 'type' | 'catalog' | 'catalog304' | 'classify';
const GETS: RouteKey[] = ['type', 'catalog304', 'catalog'];
const LABELS: Record<RouteKey, string> = { type: 'GET /v1/types/{id}', catalog304: 'GET /v1/catalog (304)', catalog: 'GET /v1/catalog (200, identity)', classify: 'POST /v1/classify' };
type Name = 'nginx' | 'bare' | 'one' | 'two';
const NAMES: Record<Name, string> = { nginx: 'nginx (static export)', bare: 'bare Node http', one: 'ours, 1 worker', two: 'ours, 2 workers' };

/** Self time by function from a V8 .cpuprofile, top entries, as Markdown rows. */
async function profileRows(dir: string): Promise<{ rows: string[]; groups: string[] }> {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return { rows: ['| (no profile written) | | |'], groups: [] };
  const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Startup (module loading, the catalog's preparation) is not the load: count from the first
  // sample inside the fast lane on.
  const inLane = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.functionName === 'serveFast') return true;
    return false;
  };
  const first = profile.samples.findIndex(inLane);
  profile.samples = first >= 0 ? profile.samples.slice(first) : profile.samples;
  const self = new Map<string, number>();
  const groups = new Map<string, number>();
  const group = (url: string, name: string): string => {
    if (name === '(idle)') return 'idle (waiting for the network)';
    if (name === '(garbage collector)') return 'garbage collection';
    if (name === '(program)') return 'V8/native outside JS (parsing HTTP in C++, syscalls)';
    if (url === '') return 'native calls (writev to sockets and the like)';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return `npm: ${m[1]}`;
    if (url.startsWith('node:') || (!url.includes('/') && url !== '')) return `Node core: ${url.replace(/^node:internal\//, '').split('/')[0]}`;
    if (url.includes('/src/')) return `ours: ${url.slice(url.indexOf('/src/') + 1)}`;
    return 'other';
  };
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|scripts)\//, '$1/').replace(/^node:/, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    const g = group(url, functionName);
    groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const busy = total - (groups.get('idle (waiting for the network)') ?? 0);
  const pct = (n: number, of: number) => `${((n / of) * 100).toFixed(1)}%`;
  const rows = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, n]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${pct(n, busy)} |`);
  const groupLines = [...groups].filter(([g]) => !g.startsWith('idle')).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([g, n]) => `${g} ${pct(n, busy)}`);
  return { rows, groups: groupLines };
}

export async function run(): Promise<string> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-bench-'));
  const children: ChildProcess[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    // The committed catalog (not the working tree, which others may be editing mid-run).
    execSync(`git archive --format=tar HEAD definitions | tar -x -C ${JSON.stringify(work)}`, { cwd: REPO });
    const root = path.join(work, 'definitions');
    const { catalog } = await runChecks({ root });
    const dist = path.join(work, 'dist');
    await writeDist(dist, catalog, root, [staticExportStep(dist)]);
    const typeCount = (await readCatalogFile(path.join(dist, 'catalog.json'))).types.length;
    const typeId = catalog.types.some((t) => t.id === 'cncf.helm.chart') ? 'cncf.helm.chart' : catalog.types[0]!.id;
    const catalogBytes = (await readFile(path.join(dist, 'api', 'v1', 'catalog', 'index.json'))).length;
    const classifyBody = await readFile(path.join(root, 'cncf.helm.chart', 'examples', 'nginx.manifest.json'), 'utf8');
    const lua = path.join(work, 'classify.lua');
    await writeFile(lua, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[${classifyBody}]==]\n`);

    const bases = {} as Record<Name, { base: string; pid: number }>;
    for (const [name, workers] of [['one', 1], ['two', 2]] as const) {
      const port = await freePort();
      const child = await startOurs(dist, port, workers);
      children.push(child);
      bases[name] = { base: `http://127.0.0.1:${port}`, pid: child.pid! };
    }
    const etag = (await record(bases.one.base, '/v1/catalog', '')).headers.find((_, i, all) => i > 0 && all[i - 1]!.toLowerCase() === 'etag')!;
    // The bare peer answers exactly what ours answered to these requests.
    const recorded = [await record(bases.one.base, `/v1/types/${typeId}`, ''), await record(bases.one.base, '/v1/catalog', ''), await record(bases.one.base, '/v1/catalog', etag)];
    const recordFile = path.join(work, 'recorded.json');
    await writeFile(recordFile, JSON.stringify(recorded));
    const barePort = await freePort();
    const bare = spawn(process.execPath, [path.join(import.meta.dirname, 'bare-node.mjs'), recordFile, String(barePort)], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(bare);
    bases.bare = { base: `http://127.0.0.1:${barePort}`, pid: bare.pid! };
    await waitReady(`${bases.bare.base}/v1/catalog`);
    const nginx = await startExportNginx(dist, path.join(work, 'nginx'), await freePort(), { workers: 2 });
    stops.push(nginx.stop);
    bases.nginx = { base: nginx.url, pid: nginx.pid };

    // Every target sends the same status for each load (a wrong 304/200 would make a fast, false figure).
    const loadOf = (name: Name, route: RouteKey): Load => {
      const { base } = bases[name];
      if (route === 'type') return { url: `${base}/v1/types/${typeId}` };
      if (route === 'catalog') return { url: `${base}/v1/catalog` };
      if (route === 'catalog304') return { url: `${base}/v1/catalog`, headers: { 'If-None-Match': etag } };
      return { url: `${base}/v1/classify`, script: lua };
    };
    for (const name of Object.keys(bases) as Name[]) {
      for (const route of GETS) {
        const load = loadOf(name, route);
        const res = await fetch(load.url, { headers: { 'accept-encoding': 'identity', ...load.headers } }); // wrk sends no Accept-Encoding
        const body = Buffer.from(await res.arrayBuffer());
        const want = route === 'catalog304' ? 304 : 200;
        if (res.status !== want) throw new Error(`${NAMES[name]} answered ${res.status} to ${LABELS[route]}, not ${want}`);
        if (route === 'type' && res.headers.get('etag') !== (recorded[0]!.headers[recorded[0]!.headers.findIndex((h) => h.toLowerCase() === 'etag') + 1] ?? '')) throw new Error(`${NAMES[name]} sent another ETag on ${LABELS[route]}`);
        void body;
      }
    }

    const loadBefore = os.loadavg()[0]!;
    const runs = new Map<string, Measure[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of [...GETS, 'classify'] as RouteKey[]) {
        for (const name of Object.keys(NAMES) as Name[]) {
          if (route === 'classify' && (name === 'nginx' || name === 'bare')) continue;
          const key = `${name}:${route}`;
          runs.set(key, [...(runs.get(key) ?? []), await measure(bases[name].pid, loadOf(name, route))]);
        }
      }
    }
    const loadAfter = os.loadavg()[0]!;
    const cell = (name: Name, route: RouteKey): Measure | null => {
      const list = runs.get(`${name}:${route}`);
      if (!list) return null;
      const of = (key: keyof Measure) => median(list.map((m) => m[key]));
      return { rps: of('rps'), p50: of('p50'), p99: of('p99'), cpuPerRequest: of('cpuPerRequest'), bad: list.reduce((n, m) => n + m.bad, 0) };
    };

    // Where one worker's time goes: a CPU profile under the same load on GET /v1/types/{id}.
    const profDir = path.join(work, 'profile');
    await mkdir(profDir);
    const profPort = await freePort();
    const profiled = await startOurs(dist, profPort, 1, ['--cpu-prof', '--cpu-prof-dir', profDir]);
    await new Promise((r) => setTimeout(r, 3_000)); // the background preparation of responses done
    await wrk({ url: `http://127.0.0.1:${profPort}/v1/types/${typeId}` }, PROFILE_SECONDS);
    await stop(profiled, 'SIGTERM');
    const profile = await profileRows(profDir);

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const msf = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
    const show = (m: Measure | null) => (m ? `${fmt(m.rps)} / ${msf(m.p99)} / ${Math.round(m.cpuPerRequest)} µs` : 'n/a');
    const ratio = (a: Measure | null, b: Measure | null) => (a && b ? `${(a.rps / b.rps).toFixed(2)}×` : 'n/a');
    const rows = ([...GETS, 'classify'] as RouteKey[]).map((route) => {
      const [nginxM = null, bareM = null, one = null, two = null] = (['nginx', 'bare', 'one', 'two'] as Name[]).map((n) => cell(n, route));
      const bad = [nginxM, bareM, one, two].reduce((n, m) => n + (m?.bad ?? 0), 0);
      return `| ${LABELS[route]} | ${show(nginxM)} | ${show(bareM)} | ${show(one)} | ${ratio(one, bareM)} | ${show(two)} | ${ratio(two, nginxM)} | ${bad} |`;
    });
    const targets = ['type', 'catalog304'] as RouteKey[];
    const verdict = (label: string, ok: boolean) => `${label}: **${ok ? 'met' : 'not met'}**`;
    const oneOk = targets.every((r) => cell('one', r)!.rps >= 0.9 * cell('bare', r)!.rps);
    const twoOk = targets.every((r) => cell('two', r)!.rps >= 0.5 * cell('nginx', r)!.rps);
    const p99Ok = targets.every((r) => cell('one', r)!.p99 < 10 && cell('two', r)!.p99 < 10);
    // wrk is not the bottleneck when it drives nginx far faster than any Node server here.
    // (On small answers: a 229 KiB body is bound by copying bytes, whoever sends it.)
    const headroom = Math.min(...targets.map((r) => cell('nginx', r)!.rps / Math.max(cell('bare', r)!.rps, cell('two', r)!.rps)));
    return `## API server vs bare Node and nginx

wrk ${execSync(`${WRK} -v 2>&1 || true`).toString().split('\n')[0]!.replace(/^wrk /, '').split(' ')[0]}, ${THREADS} threads, ${CONNECTIONS} connections, ${DURATION} s per measurement (after a ${WARMUP} s warm-up), no pipelining; every server on 127.0.0.1 on the same ${os.cpus().length}-core machine as wrk. ${ROUNDS} rounds, each measuring every server on every route in turn; a cell is the median of the rounds.
Catalog: the committed definitions (${typeCount} types; /v1/catalog body ${Math.round(catalogBytes / 1024)} KiB).
- **nginx (static export)**: nginx ${execSync(`${NGINX} -v 2>&1`).toString().trim().replace('nginx version: nginx/', '')}, 2 worker processes, serving \`artifact-types build\`'s dist/api/ with its generated dist/nginx/server.conf: the same body bytes, ETags and headers as ours (test/server/static-export.test.ts checks this route by route).
- **bare Node http**: node:http (scripts/bench/bare-node.mjs) answering the very responses ours sent (status, every header, body bytes), looked up by path and If-None-Match: no routing, logging or metrics. The ceiling of this stack.
- **ours**: \`artifact-types serve --catalog dist/catalog.json\` (express 5 behind the fast lane, helmet headers, pino request log to /dev/null, Prometheus counters), 1 process and 2 (\`--workers 2\`, node:cluster).

Cells: requests/s / p99 latency / server CPU time per request (user + system of all the server's processes, from /proc). Ratios: 1 worker ÷ bare Node, 2 workers ÷ nginx.
Load average (1 min) before and after the run: ${loadBefore.toFixed(1)} and ${loadAfter.toFixed(1)} on ${os.cpus().length} cores${loadBefore > os.cpus().length ? ' — **the machine was loaded by other work during this run**, so absolute figures are low and noisy; the CPU-per-request column and the ratios (measured interleaved) are the steadier reading' : ''}.

| Route | nginx (static export) | bare Node http | ours, 1 worker | 1 worker ÷ bare | ours, 2 workers | 2 workers ÷ nginx | errors / non-2xx-3xx |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Targets (on GET /v1/types/{id} and the /v1/catalog 304):
- ${verdict('1 worker ≥ 0.9× bare Node', oneOk)} (${targets.map((r) => `${LABELS[r]} ${ratio(cell('one', r), cell('bare', r))}`).join(', ')}).
- ${verdict('2 workers ≥ 0.5× nginx', twoOk)} (${targets.map((r) => `${LABELS[r]} ${ratio(cell('two', r), cell('nginx', r))}`).join(', ')}).
- ${verdict('p99 < 10 ms at 50 connections', p99Ok)} (${targets.map((r) => `${LABELS[r]} ${msf(cell('one', r)!.p99)} / ${msf(cell('two', r)!.p99)}`).join(', ')}; 1 / 2 workers).
- Load generator: wrk drives nginx at ${headroom.toFixed(1)}× the fastest Node server here on the small answers (GET /v1/types/{id}, the 304). ${headroom >= 1.5 ? 'So wrk is not what limits the Node servers.' : 'That is too little to show that wrk is not the bottleneck on this run: with the machine shared, wrk, nginx and Node all wait for a core; rerun on an idle machine (the issue measured nginx at 137k requests/s there).'}

### Where one worker's time goes

\`--cpu-prof\` of \`serve --workers 1\` under the same wrk load on GET /v1/types/{id} for ${PROFILE_SECONDS} s, counted from its first fast-lane sample on; share of the busy (non-idle) samples. V8's sampler counts time on the main thread, not CPU: a thread waiting for a core inside a system call is counted in that call.
By origin: ${profile.groups.join('; ')}.

| Function (self time) | share |
|---|---|
${profile.rows.join('\n')}

Reading it: \`writev\` is the socket write of each answer (headers and body in one system call), native work that bare Node does too; on a machine with more runnable threads than cores it also absorbs the wait for a core. What the API adds to bare Node per request is the request log (pino-http makes a child logger per request, serializing its bindings, and writes one JSON line through pino's asynchronous destination), helmet's and the route's headers (precomputed: one flat list per prepared response, header set and coding, built once), the fast lane's lookup and If-None-Match comparison, and the Prometheus counter (incremented at write time, no listener, no per-request string). The CPU-per-request column is the cost: ours ÷ bare Node on GET /v1/types/{id} is the price of the log and the metrics; the rest of the gap to nginx is Node's HTTP stack itself (bare Node vs nginx).
`;
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    for (const child of children) await stop(child, 'SIGKILL').catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}
