// Slow clients, hundreds at once, against a server in its own process (short timeouts so the test is
// quick): headers a byte at a time, classify bodies a byte at a time, readers that take a large
// answer slowly, readers that stop reading. test/server/lifecycle.test.ts already shows one
// slow-header client cut and 300 idle connections not starving others; this adds slow bodies, slow
// and stalled readers, all at once, with a normal client timed throughout.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Checks, reliabilitySection } from '../reliability-report.ts';
import { catalogRepo, exampleManifests, rssMiB, spawnServer, type Child } from './helpers.ts';

const TIMEOUTS = { headersMs: 1_500, requestMs: 3_000, checkIntervalMs: 250, idleMs: 2_000 };
const SLOW_HEADERS = 100;
const SLOW_BODIES = 100;
const SLOW_READERS = 50;
const STALLED_READERS = 50;
const PIPELINED = 40;

const report = reliabilitySection('api-slow-clients', 'API: slow clients');
let repo: Awaited<ReturnType<typeof catalogRepo>>;
let server: Child;
beforeAll(async () => {
  repo = await catalogRepo();
  server = await spawnServer(repo.root, { timeouts: TIMEOUTS });
});
afterAll(async () => {
  server?.kill();
  await repo?.cleanup();
});

interface Outcome {
  received: Buffer;
  ms: number;
  sent: number;
}

/** Opens a socket, writes `head`, then drips `drip` a byte every `everyMs` until the server closes. */
function dripper(head: string, drip: string, everyMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let i = 0;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.write(head);
    const timer = setInterval(() => {
      if (socket.writable && i < drip.length) socket.write(drip[i++]!);
    }, everyMs);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received: Buffer.concat(chunks), ms: Date.now() - started, sent: i });
    });
  });
}

/** GETs the uncompressed catalog (`pipelined` times on one connection) and reads `bytesPerTick` every 100 ms (0: reads nothing for `stallMs`). */
function reader(bytesPerTick: number, stallMs = 0, pipelined = 1): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('error', () => undefined);
    const get = (close: boolean) => `GET /v1/catalog HTTP/1.1\r\nHost: x\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    socket.write(Array.from({ length: pipelined }, (_, i) => get(i === pipelined - 1)).join(''));
    socket.pause();
    let timer: NodeJS.Timeout;
    if (bytesPerTick > 0) {
      timer = setInterval(() => {
        let n = 0;
        for (let c: Buffer | null; n < bytesPerTick && (c = socket.read() as Buffer | null); ) (chunks.push(c), (n += c.length));
      }, 100);
    } else {
      timer = setTimeout(() => socket.on('data', (c: Buffer) => chunks.push(c)).resume(), stallMs);
    }
    socket.on('close', () => {
      clearInterval(timer);
      for (let c: Buffer | null; (c = socket.read() as Buffer | null); ) chunks.push(c);
      resolve({ received: Buffer.concat(chunks), ms: Date.now() - started, sent: 0 });
    });
  });
}

function bodyOf(raw: Buffer): Buffer {
  const at = raw.indexOf('\r\n\r\n');
  return at < 0 ? Buffer.alloc(0) : raw.subarray(at + 4);
}

it('cuts hundreds of slow and stalled clients by the timeouts while a normal client is served', { timeout: 120_000 }, async () => {
  const catalog = Buffer.from(await (await fetch(`${server.url}/v1/catalog`)).arrayBuffer());
  const example = (await exampleManifests(repo.root))[0]!;
  const rssBefore = await rssMiB(server.pid);

  const slowHeaders = Array.from({ length: SLOW_HEADERS }, () => dripper('G', `ET /v1/catalog HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`, 100));
  const slowBodies = Array.from({ length: SLOW_BODIES }, () =>
    dripper(`POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(example)}\r\n\r\n`, example, 100),
  );
  // Slow but steady: 32 KiB every 100 ms; stalled: asks for the catalog 40 times (9 MB, more than the
  // kernel's socket buffers hold, so the server's writes back up) and reads nothing for 6 s.
  const slowReaders = Array.from({ length: SLOW_READERS }, () => reader(32 * 1024));
  const stalled = Array.from({ length: STALLED_READERS }, () => reader(0, 6_000, PIPELINED));

  // Meanwhile a normal client, one request after another, for 5 s.
  const latencies: number[] = [];
  const normalFailures: string[] = [];
  const until = Date.now() + 5_000;
  let rssPeak = rssBefore;
  for (let i = 0; Date.now() < until; i++) {
    const t = Date.now();
    try {
      const res =
        i % 3 === 2
          ? await fetch(`${server.url}/v1/classify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: example })
          : await fetch(`${server.url}${i % 3 === 0 ? '/v1/types/opencontainers.image' : '/v1/catalog'}`);
      await res.arrayBuffer();
      if (res.status !== 200) normalFailures.push(`${res.status}`);
    } catch (error) {
      normalFailures.push(`error ${(error as Error).message}`);
    }
    latencies.push(Date.now() - t);
    rssPeak = Math.max(rssPeak, await rssMiB(server.pid));
  }

  const [headers, bodies, readers, stalls] = await Promise.all([Promise.all(slowHeaders), Promise.all(slowBodies), Promise.all(slowReaders), Promise.all(stalled)]);
  const rssAfter = await rssMiB(server.pid);
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;

  const checks = new Checks();
  const range = (ms: number[]) => `${Math.min(...ms)}–${Math.max(...ms)} ms`;
  // Slow headers: 408 JSON once the headers timeout passes, long before they could finish.
  const is408 = (o: Outcome) => /^HTTP\/1\.1 408 [^]*"code":"request-timeout"/.test(o.received.toString('latin1'));
  const headersCut = headers.filter((h) => is408(h) && h.ms < TIMEOUTS.headersMs + 2_000);
  checks.check('slow headers cut with a JSON 408 within the headers timeout + 2 s', headersCut.length === headers.length, `${headers.length - headersCut.length} of ${headers.length} not; first: ${headers.find((h) => !headersCut.includes(h))?.received.toString('latin1').slice(0, 80) ?? ''}`);
  // Slow bodies: headers complete, so the request timeout cuts them, also with a JSON 408.
  const bodiesCut = bodies.filter((b) => is408(b) && b.sent < Buffer.byteLength(example) && b.ms < TIMEOUTS.requestMs + 2_000);
  checks.check('slow bodies cut with a JSON 408 within the request timeout + 2 s, before the body was sent', bodiesCut.length === bodies.length, `${bodies.length - bodiesCut.length} of ${bodies.length} not`);
  // Slow but steady readers get the whole answer, byte for byte.
  const catalogHash = createHash('sha256').update(catalog).digest('hex');
  const readersWhole = readers.filter((r) => createHash('sha256').update(bodyOf(r.received)).digest('hex') === catalogHash);
  checks.check('slow readers got the whole catalog', readersWhole.length === readers.length, `${readers.length - readersWhole.length} of ${readers.length} did not`);
  // Stalled readers are cut by the idle timeout: when they finally read, answers are missing.
  const answersOf = (o: Outcome) => o.received.toString('latin1').split('HTTP/1.1 200 OK').length - 1;
  const stallsCut = stalls.filter((o) => answersOf(o) < PIPELINED);
  checks.check('stalled readers cut by the idle timeout', stallsCut.length === stalls.length, `${stalls.length - stallsCut.length} of ${stalls.length} got all ${PIPELINED} answers`);
  checks.check('normal client: every request answered 200', normalFailures.length === 0, `${normalFailures.length} of ${latencies.length}: ${normalFailures.slice(0, 5).join(', ')}`);
  checks.check('normal client: max latency under 2,000 ms', p(1) < 2_000, `${p(1)} ms`);
  checks.check('server RSS grew less than 50 MiB', rssAfter - rssBefore < 50, `${(rssAfter - rssBefore).toFixed(1)} MiB`);

  const readerMs = readers.map((r) => r.ms);
  const stalledAnswers = stalls.map(answersOf);
  report.record(
    `${SLOW_HEADERS + SLOW_BODIES + SLOW_READERS + STALLED_READERS} slow connections at once against a server in its own process (timeouts shortened for the test: headers ${TIMEOUTS.headersMs} ms, request ${TIMEOUTS.requestMs} ms, idle ${TIMEOUTS.idleMs} ms; production: 10 s, 30 s, 60 s), while a normal client made one request after another. test/reliability/api-slow.test.ts (test/server/lifecycle.test.ts covers one byte-at-a-time client and 300 idle connections).\n\n| Clients | Behaviour | Outcome |\n| --- | --- | --- |\n| ${SLOW_HEADERS} | headers a byte every 100 ms | ${headersCut.length} of ${headers.length} cut with a JSON 408 in time; all ended after ${range(headers.map((h) => h.ms))} |\n| ${SLOW_BODIES} | classify body a byte every 100 ms | ${bodiesCut.length} of ${bodies.length} cut with a JSON 408 in time; all ended after ${range(bodies.map((b) => b.ms))}, at most ${Math.max(...bodies.map((b) => b.sent))} of ${Buffer.byteLength(example)} bytes sent |\n| ${SLOW_READERS} | read the ${catalog.length}-byte catalog 32 KiB per 100 ms | ${readersWhole.length} of ${readers.length} got it whole (same sha256), in ${range(readerMs)} |\n| ${STALLED_READERS} | ask for the catalog ${PIPELINED} times on one connection (${((PIPELINED * catalog.length) / 2 ** 20).toFixed(1)} MiB), read nothing for 6 s | ${stallsCut.length} of ${stalls.length} cut by the idle timeout (${Math.min(...stalledAnswers)}–${Math.max(...stalledAnswers)} of ${PIPELINED} answers had reached the socket buffers) |\n| 1 | normal requests (type, catalog, classify), back to back for 5 s | ${latencies.length} requests, ${latencies.length - normalFailures.length} answered 200; latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms (bound 2,000 ms) |\n\nServer RSS: ${rssBefore.toFixed(1)} MiB before, peak ${rssPeak.toFixed(1)} MiB, ${rssAfter.toFixed(1)} MiB after (growth bound 50 MiB). ${checks.summary()}`,
  );
  expect(checks.failed).toEqual([]);
});
