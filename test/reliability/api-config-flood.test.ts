// Issue #18, item 2: classify with a config validates it against the type's config schema. A plain
// image manifest (the fallback type, so anyone can send it) with a config whose rootfs.diff_ids holds
// 2,000,000 numbers (4 MB, under the body limit) once took 3–5 s and 500 MB per request with an
// all-errors validator, and six at once killed a server with a 256 MiB heap. Several at once, to a
// server in its own process with that heap cap: every answer stays fast, RSS stays bounded, and
// /healthz keeps answering meanwhile.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Checks, reliabilitySection } from '../reliability-report.ts';
import { seedRepo } from '../server/helpers.ts';
import { rssMiB, spawnServer, type Child } from './helpers.ts';

const HEAP_CAP = ['--max-old-space-size=256'];
const AT_ONCE = 6;
const ROUNDS = 3;
const NUMBERS = 2_000_000;
const NOTARY_EXAMPLE = 'jws.manifest.json';
/** Bounds: an answer, a /healthz answer during the flood, and RSS growth over the idle server. */
/** What validating may add to the median answer: a share of the control's (the machine is shared, so times scale together) plus a margin. */
const MAX_EXTRA = { share: 0.25, ms: 250 };
/** The slowest answer and the slowest /healthz may exceed the control's by this: the machine is shared, so only the difference is the validator's. */
const SLOWEST = { factor: 1.5, ms: 1_000 };
const MAX_GROWTH_MIB = 200;

const report = reliabilitySection('api-config-flood', 'API: configs that cost the validator');
let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: Child;
let body: string;
let manifest: unknown;
let notary: unknown;

beforeAll(async () => {
  repo = await seedRepo();
  const examples = path.join(repo.root, 'opencontainers.image', 'examples');
  manifest = JSON.parse(await readFile(path.join(examples, 'alpine.manifest.json'), 'utf8'));
  notary = JSON.parse(await readFile(path.join(repo.root, 'cncf.notary.signature', 'examples', NOTARY_EXAMPLE), 'utf8'));
  const config = JSON.parse(await readFile(path.join(examples, 'alpine.config.json'), 'utf8')) as { rootfs: { diff_ids: unknown[] } };
  const numbers = Array.from({ length: NUMBERS }, (_, i) => i % 10).join(',');
  body = JSON.stringify({ manifest, config: { ...config, rootfs: { ...config.rootfs, diff_ids: ['__NUMBERS__'] } } }).replace('"__NUMBERS__"', numbers);
  server = await spawnServer(repo.root, { nodeArgs: HEAP_CAP });
}, 120_000);
afterAll(async () => {
  server?.kill();
  await repo?.cleanup();
});

async function classify(text: string): Promise<{ status: number; ms: number; json: { id?: string; conformance?: Array<{ message: string }> }; error?: string }> {
  const started = performance.now();
  try {
    const res = await fetch(`${server.url}/v1/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const json = (await res.json()) as { id?: string; conformance?: Array<{ message: string }> };
    return { status: res.status, ms: performance.now() - started, json };
  } catch (error) {
    // No answer (the server died or dropped the connection): status 0, and why.
    return { status: 0, ms: performance.now() - started, json: {}, error: String((error as Error).cause ?? error).slice(0, 200) };
  }
}

interface Flood {
  answers: Array<Awaited<ReturnType<typeof classify>>>;
  healthz: number[];
  peak: number;
  wall: number;
}

/** A round of AT_ONCE concurrent classify requests with this body, polling /healthz and RSS meanwhile. */
async function flood(text: string): Promise<Flood> {
  let peak = await rssMiB(server.pid);
  const healthz: number[] = [];
  let flooding = true;
  const watcher = (async () => {
    while (flooding) {
      const started = performance.now();
      const ok = await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false);
      healthz.push(ok ? performance.now() - started : Number.POSITIVE_INFINITY);
      peak = Math.max(peak, await rssMiB(server.pid).catch(() => peak));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const answers: Flood['answers'] = [];
  const started = performance.now();
  answers.push(...(await Promise.all(Array.from({ length: AT_ONCE }, () => classify(text)))));
  const wall = performance.now() - started;
  flooding = false;
  await watcher;
  return { answers, healthz, peak, wall };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const slowest = (values: number[]) => Math.max(...values);

it('answers several 4 MB configs at once about as fast as it parses them, in bounded memory, with /healthz responsive', async () => {
  const checks = new Checks();
  expect(body.length).toBeGreaterThan(3.9e6);
  expect(body.length).toBeLessThan(4 * 1024 * 1024);
  // The control: the same 4 MB config with a manifest of a type that has no config schema, so the
  // request costs reading and parsing only (that cost is the body limit's, not the validator's).
  const control = body.replace(JSON.stringify(manifest), JSON.stringify(notary));
  expect(control).not.toBe(body);
  // Warm up (first compile of the validator, first big parse), then read the idle RSS.
  await classify(JSON.stringify({ manifest }));
  await classify(body);
  await classify(control);
  const before = await rssMiB(server.pid);
  // Rounds alternate, so drift (heap filling up, other processes on the machine) hits both alike.
  const rounds: Flood[][] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    rounds[0]!.push(await flood(control));
    rounds[1]!.push(await flood(body));
  }
  const merge = (floods: Flood[]): Flood => ({ answers: floods.flatMap((f) => f.answers), healthz: floods.flatMap((f) => f.healthz), peak: Math.max(...floods.map((f) => f.peak)), wall: floods.reduce((sum, f) => sum + f.wall, 0) });
  const parsing = merge(rounds[0]!);
  const validating = merge(rounds[1]!);
  const after = await rssMiB(server.pid);
  const times = (f: Flood) => f.answers.map((a) => a.ms);
  const extra = median(times(validating)) - median(times(parsing));
  const maxExtra = MAX_EXTRA.share * median(times(parsing)) + MAX_EXTRA.ms;
  const statuses = [...new Set(validating.answers.map((a) => a.status))].join(', ');
  const findings = validating.answers[0]?.json.conformance?.map((c) => c.message) ?? [];
  const peak = Math.max(parsing.peak, validating.peak);

  checks.check('every answer 200 with the image type', validating.answers.every((a) => a.status === 200 && a.json.id === 'opencontainers.image'), `${statuses} ${validating.answers.find((a) => a.error)?.error ?? ''}`);
  checks.check('the config gets one finding saying it is too large to check', findings.length === 1 && /too large to check/.test(findings[0]!), JSON.stringify(findings).slice(0, 200));
  checks.check(`validation adds at most ${MAX_EXTRA.share * 100}% of the control's median + ${MAX_EXTRA.ms} ms to the median answer`, extra <= maxExtra, `${extra.toFixed(0)} ms, bound ${maxExtra.toFixed(0)} ms`);
  const bound = (control: number) => SLOWEST.factor * control + SLOWEST.ms;
  checks.check(`the slowest answer within ${SLOWEST.factor}× the control's + ${SLOWEST.ms} ms`, slowest(times(validating)) <= bound(slowest(times(parsing))), `${slowest(times(validating)).toFixed(0)} ms, bound ${bound(slowest(times(parsing))).toFixed(0)} ms`);
  checks.check('/healthz answered every time', validating.healthz.length > 0 && validating.healthz.every(Number.isFinite), `${validating.healthz.filter((h) => !Number.isFinite(h)).length} failed`);
  checks.check(`the slowest /healthz within ${SLOWEST.factor}× the control's + ${SLOWEST.ms} ms`, slowest(validating.healthz) <= bound(slowest(parsing.healthz)), `${slowest(validating.healthz).toFixed(0)} ms, bound ${bound(slowest(parsing.healthz)).toFixed(0)} ms`);
  checks.check(`RSS growth within ${MAX_GROWTH_MIB} MiB`, peak - before <= MAX_GROWTH_MIB, `${before.toFixed(0)} -> peak ${peak.toFixed(0)} MiB`);
  checks.check('the server is still running', server.child.exitCode === null && server.child.signalCode === null, server.stderr().slice(0, 300));

  const row = (name: string, f: Flood) =>
    `| ${name} | ${[...new Set(f.answers.map((a) => a.status))].join(', ')} | ${median(times(f)).toFixed(0)} | ${slowest(times(f)).toFixed(0)} | ${(f.wall / 1000).toFixed(1)} s | ${f.healthz.length}, slowest ${slowest(f.healthz).toFixed(0)} ms | ${f.peak.toFixed(1)} MiB |`;
  report.record(`${ROUNDS} rounds (alternating with the control's) of ${AT_ONCE} concurrent \`POST /v1/classify\` to a server in its own process (startServer, V8 old space capped with \`${HEAP_CAP[0]}\`, the seed catalog), each a plain OCI image manifest with a config whose \`rootfs.diff_ids\` holds ${NUMBERS.toLocaleString('en-US')} numbers (${(body.length / 1e6).toFixed(1)} MB, under the 4 MiB body limit), while a client polled \`GET /healthz\` every 50 ms. The control sends the same config with a Notary signature manifest (a type without a config schema), so it costs the body's reading and parsing only. Before the fix (an all-errors validator) each such request took seconds and hundreds of MB, and this flood killed the server (out of memory). test/reliability/api-config-flood.test.ts (issue #18).

| Flood | Statuses | Median ms | Slowest ms | ${ROUNDS * AT_ONCE} requests took | /healthz answers | Peak RSS |
| --- | --- | --- | --- | --- | --- | --- |
${row('control: no config schema', parsing)}
${row('config checked against the image schema', validating)}

${parsing.answers.some((a) => a.status !== 200) ? `The control (a measure, not a check) had answers other than 200: ${[...new Set(parsing.answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.error ?? ''}`.trim()))].join('; ')}.\n\n` : ''}Validation's share of the median answer: ${extra.toFixed(0)} ms (bound ${maxExtra.toFixed(0)} ms: ${MAX_EXTRA.share * 100}% of the control's median + ${MAX_EXTRA.ms} ms); the slowest answer and the slowest /healthz are bounded by ${SLOWEST.factor}× the control's + ${SLOWEST.ms} ms, since the machine is shared (load average ${os.loadavg()[0]!.toFixed(1)} at the end of this run on ${os.cpus().length} cores). The finding: \`${(findings[0] ?? '—').replace(/`/g, "'")}\`. Server RSS ${before.toFixed(1)} MiB before, peak ${peak.toFixed(1)} MiB (+${(peak - before).toFixed(1)}, bound ${MAX_GROWTH_MIB}), ${after.toFixed(1)} MiB after. The answer time left is reading and parsing a 4 MB body on the event loop (the control's), the same with or without a config schema: a class of its own, left open here (see the report of issue #18).

${checks.summary()}`);
  expect(checks.failed).toEqual([]);
}, 240_000);
