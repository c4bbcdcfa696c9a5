// `npm run bench -- soak`: the real `serve` command (full catalog, 1 process) under autocannon for
// 60 s at 50 connections, mixing GET /v1/types/{id}, GET /v1/catalog with If-None-Match (304),
// GET /v1/catalog gzip (200) and POST /v1/classify with real example manifests (each answer's type
// checked). Measured in 10 s windows; the peer is the run's own first window, so the ratios show drift
// (latency, throughput) over the soak, and RSS before/after shows whether memory creeps.
// test/reliability/api-soak.test.ts runs the same soak for 20 s (SOAK_SECONDS for longer) in npm test.
import path from 'node:path';
import { autocannon, catalogRepo, rssMiB, spawnServe, type CannonResult } from '../../test/reliability/helpers.ts';

export interface SoakWindow {
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  wrongType: number;
}

export interface SoakResult {
  connections: number;
  windows: SoakWindow[];
  rssStart: number;
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
  types: number;
  examples: number;
}

const WINDOW = 10;
export const HEAP_CAP_MIB = 160;

/** Runs the soak against a fresh `serve` child on the committed catalog. */
export async function soak(options: { seconds: number; connections: number }): Promise<SoakResult> {
  const repo = await catalogRepo();
  // V8's old space capped, as in the hostile-client suite: RSS then tracks what the server keeps,
  // not how lazily V8 collects (a real leak runs into the cap and fails the soak outright).
  const server = await spawnServe(['--root', repo.root], undefined, [`--max-old-space-size=${HEAP_CAP_MIB}`]);
  try {
    const rssStart = await rssMiB(server.pid);
    const catalog = (await (await fetch(`${server.url}/v1/catalog`)).json()) as { digest: string; types: Array<{ id: string }> };
    const etag = `"${catalog.digest}"`;
    const ids = catalog.types.map((t) => t.id);
    // Examples by the type they must classify as: definitions/<id>/examples/*.manifest.json.
    const examples: Array<{ id: string; body: string }> = [];
    for (const id of ids) {
      const bodies = await exampleManifestsOf(repo.root, id);
      for (const body of bodies) examples.push({ id, body });
    }
    let wrongType = 0;
    const requests: Array<Record<string, unknown>> = [];
    // One cycle per connection: 6 type GETs, 2 conditional catalog GETs (304), 1 gzip catalog, 6 classify.
    for (let i = 0; i < 6; i++) {
      requests.push({ method: 'GET', path: `/v1/types/${ids[(i * 7) % ids.length]}` });
      if (i % 3 === 0) requests.push({ method: 'GET', path: '/v1/catalog', headers: { 'if-none-match': etag } });
      if (i === 5) requests.push({ method: 'GET', path: '/v1/catalog', headers: { 'accept-encoding': 'gzip' } });
      const example = examples[(i * 19) % examples.length]!;
      requests.push({
        method: 'POST',
        path: '/v1/classify',
        headers: { 'content-type': 'application/json' },
        body: example.body,
        onResponse: (status: number, body: string) => {
          if (status !== 200 || !body.includes(`"id":"${example.id}"`)) wrongType++;
        },
      });
    }
    const measure = async (seconds: number): Promise<CannonResult> => autocannon({ url: server.url, connections: options.connections, duration: seconds, requests });
    await measure(3); // warm-up: JIT, prepared responses, socket buffers
    await new Promise((r) => setTimeout(r, 1_000));
    const rssBefore = await rssMiB(server.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => void rssMiB(server.pid).then((m) => (rssPeak = Math.max(rssPeak, m)), () => undefined), 500);
    const windows: SoakWindow[] = [];
    try {
      for (let left = options.seconds; left > 0; left -= WINDOW) {
        const seconds = Math.min(WINDOW, left);
        const before = wrongType;
        const r = await measure(seconds);
        const statuses: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(r.statusCodeStats)) statuses[code] = count;
        windows.push({ seconds, requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, errors: r.errors, timeouts: r.timeouts, statuses, wrongType: wrongType - before });
      }
    } finally {
      clearInterval(sampler);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const rssAfter = await rssMiB(server.pid);
    return { connections: options.connections, windows, rssStart, rssBefore, rssAfter, rssPeak, types: ids.length, examples: examples.length };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await repo.cleanup();
  }
}

async function exampleManifestsOf(root: string, id: string): Promise<string[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const dir = path.join(root, id, 'examples');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.manifest.json')).sort();
  return Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
}

/** The Markdown table of a soak's windows and its memory. */
export function soakTable(result: SoakResult): string {
  const first = result.windows[0]!;
  const last = result.windows.at(-1)!;
  const rows = result.windows.map((w, i) => `| ${i * WINDOW}–${i * WINDOW + w.seconds} s | ${w.requests} | ${Math.round(w.rps)} | ${w.p50} | ${w.p90} | ${w.p99} | ${w.max} | ${w.errors + w.timeouts} | ${Object.entries(w.statuses).map(([c, n]) => `${c} × ${n}`).join(', ')} | ${w.wrongType} |`);
  const total = result.windows.reduce((n, w) => n + w.requests, 0);
  return [
    `| Window | Requests | Req/s | p50 ms | p90 ms | p99 ms | max ms | Errors + timeouts | Statuses | Wrong classification |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows,
    '',
    `${total} requests at ${result.connections} connections against ${result.types} types and ${result.examples} example manifests. Last window against the first (the peer): throughput ×${(last.rps / first.rps).toFixed(2)}, p99 ×${(last.p99 / Math.max(first.p99, 1)).toFixed(2)}.`,
    `Server RSS (from /proc/<pid>/status; V8 old space capped at ${HEAP_CAP_MIB} MiB): ${result.rssStart.toFixed(1)} MiB at start, ${result.rssBefore.toFixed(1)} MiB after a 3 s warm-up, ${result.rssAfter.toFixed(1)} MiB after the soak (×${(result.rssAfter / result.rssBefore).toFixed(2)}, ${(result.rssAfter - result.rssBefore >= 0 ? '+' : '')}${(result.rssAfter - result.rssBefore).toFixed(1)} MiB), peak ${result.rssPeak.toFixed(1)} MiB.`,
  ].join('\n');
}

export async function run(): Promise<string> {
  const result = await soak({ seconds: 60, connections: 50 });
  return `## API soak: 60 s at 50 connections\n\nThe real \`artifact-types serve\` (one process, full catalog, request logs to /dev/null) under autocannon, mixing GET /v1/types/{id}, GET /v1/catalog with If-None-Match (304), GET /v1/catalog gzip and POST /v1/classify with real example manifests (each answer's type checked), in 10 s windows. The peer is the run's own first window: the ratios show drift over the soak. scripts/bench/soak.bench.ts.\n\n${soakTable(result)}`;
}
