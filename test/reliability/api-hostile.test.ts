// Hostile clients against a server in its own process, over real sockets: generated requests (fixed
// seeds) to every GET route and to POST /v1/classify — random bytes, deep JSON, huge strings, wrong,
// missing and duplicated content types, gzip/deflate/brotli bodies that inflate past the limit,
// encoded traversal, invalid percent-encoding, very long URLs and headers, duplicate headers, bad
// framing. Never a 5xx, never a dropped connection, always the JSON error shape; valid requests
// hidden in the mix still answer 200; the process's RSS (from /proc) stays flat from warm-up to end.
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allRoutes } from '../../src/server/index.ts';
import { Checks, reliabilitySection } from '../reliability-report.ts';
import { catalogRepo, exampleManifests, pool, rawBody, rawRequest, rssMiB, spawnServer, type Child } from './helpers.ts';

const WARMUP = Number(process.env.HOSTILE_WARMUP ?? 600);
const CASES = Number(process.env.HOSTILE_CASES ?? 3000);
const CONCURRENCY = 8;
const MAX_GROWTH_MIB = 50;
// Without a cap V8 grows its heap lazily after the 4 MiB bodies and RSS swings by ±100 MiB, hiding
// any trend; capped, a leak would end in an out-of-memory crash and RSS settles where it belongs.
const HEAP_CAP = ['--max-old-space-size=160'];

const report = reliabilitySection('api-hostile', 'API: hostile clients (generated requests)');
let repo: Awaited<ReturnType<typeof catalogRepo>>;
let server: Child;
let examples: string[];
const logFile = path.join(os.tmpdir(), `api-hostile-${process.pid}.log`);

beforeAll(async () => {
  repo = await catalogRepo();
  examples = await exampleManifests(repo.root);
  // Production settings except shorter timeouts, so a request that stalls costs the run little.
  server = await spawnServer(repo.root, { logFile, nodeArgs: HEAP_CAP, timeouts: { headersMs: 2_000, requestMs: 4_000, checkIntervalMs: 250 } });
});
afterAll(async () => {
  server?.kill();
  await repo?.cleanup();
  await rm(logFile, { force: true });
});

interface Case {
  kind: string;
  bytes: Buffer;
  method: string;
  /** A request a correct server must answer 200 (the hostile parts of it are harmless). */
  valid: boolean;
  classify: boolean;
}

const MiB = 1024 * 1024;
// Bombs: small on the wire, 64 MiB (16 times the 4 MiB limit) once inflated.
const inflated = Buffer.concat([Buffer.from('{"schemaVersion":2,"pad":"'), Buffer.alloc(64 * MiB, 0x61), Buffer.from('"}')]);
const BOMBS: Array<[string, Buffer]> = [
  ['gzip', gzipSync(inflated, { level: 9 })],
  ['deflate', deflateSync(inflated, { level: 9 })],
  ['br', brotliCompressSync(inflated, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
];

const TRAVERSAL = ['%2e%2e%2f', '%2e%2e/', '..%2f', '../', '%2E%2E%5C', '..\\', '%252e%252e%252f', '%c0%ae%c0%ae%2f', '....//', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fpackage.json'];
const BAD_PERCENT = ['%', '%z', '%zz', '%E0%A4%A', '%ff', '%C3%28', '%ED%A0%80', '%00', '%%', '%u0041', '%F0%9F%98'];
const ODD = ['__proto__', 'constructor', 'prototype', '*', ';', ',', '+', '%20', '@', '~', '$', '!', "'", '(', ')', '\u00e9', '\u202e', '\ufeff', '😀', 'logo.svg', 'docs', 'config-schema'];

const bigString = (min: number, max: number) => fc.integer({ min, max }).chain((n) => fc.constantFrom('a', '%41', '.', '/', 'é').map((c) => c.repeat(n)));

export function segment(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...TRAVERSAL, ...BAD_PERCENT, ...ODD), fc.string({ maxLength: 8 }), fc.constantFrom(...ids)), { minLength: 1, maxLength: 5 }).map((p) => p.join('')) },
    { weight: 1, arbitrary: bigString(100, 20_000) },
  );
}

/** The request line's target, as bytes (latin1: non-ASCII characters go raw onto the wire). */
function encodeTarget(target: string): string {
  return Buffer.from(target.replace(/[\r\n ]/g, '_'), 'utf8').toString('latin1');
}

const HEADER_NOISE = fc.array(
  fc.oneof(
    fc.constantFrom('Accept-Encoding: gzip', 'Accept-Encoding: br;q=0, gzip;q=0', 'Accept-Encoding: *', 'Accept-Encoding: gzip;q=abc, br;q=-1', 'Accept-Encoding: ,,,;;;', 'Accept-Encoding: identity;q=0'),
    fc.constantFrom('If-None-Match: *', 'If-None-Match: W/"x", "y"', 'If-None-Match: ,,,', 'If-None-Match: ""', 'Cache-Control: no-cache', 'Range: bytes=0-10', 'Range: bytes=-1,0-', 'If-Modified-Since: yesterday'),
    fc.constantFrom('Accept: */*', 'Accept: text/html', 'Accept: application/json;q=0', 'Accept-Language: ' + 'x,'.repeat(200), 'Cookie: a=b; ' + 'c=d; '.repeat(100), 'User-Agent: \u00ff\u00fe', 'X-Forwarded-For: 1.1.1.1, ' + '2.2.2.2, '.repeat(50), 'Origin: null', 'Authorization: Basic Og=='),
    fc.string({ maxLength: 30 }).map((v) => `X-Fuzz: ${v.replace(/[\r\n]/g, '')}`),
    bigString(1_000, 20_000).map((v) => `X-Long: ${v}`),
    fc.integer({ min: 10, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => `X-Many-${i}: ${i}`).join('\r\n')),
    fc.constantFrom('Host: second.example', 'Content-Length: 0', 'Transfer-Encoding: identity', 'Expect: 100-continue', 'Expect: nonsense', 'Connection: keep-alive, Upgrade', 'Upgrade: h2c', 'X-Bad\u0001Name: 1', 'X-Bad-Value: a\u0000b', 'X-Latin: \u00e9\u00e8', ' leading-space: 1', 'NoColon'),
  ),
  { maxLength: 4 },
);

const HOST = fc.constantFrom('Host: x\r\n', 'Host: x\r\n', 'Host: x\r\n', '', 'Host: a\r\nHost: b\r\n', `Host: ${'h'.repeat(500)}\r\n`);

function getCase(ids: string[]): fc.Arbitrary<Case> {
  const routes = allRoutes().filter((r) => r.methods.includes('GET')).map((r) => r.path);
  const fill = fc.tuple(fc.constantFrom(...routes), segment(ids), segment(ids)).map(([route, a, b]) => route.replace(':id', a).replace('*mediaType', `${b}/${a}`));
  const query = fc.option(
    fc.array(fc.tuple(fc.constantFrom('q', 'mediaType', 'page', 'v', 'q[]', 'q[a]', '__proto__', 'constructor', ''), fc.oneof(segment(ids), fc.constantFrom('', '=', '&', '%', '1e400', '-1', '999999999999999999999'))), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
    { nil: '' },
  );
  return fc.tuple(fc.constantFrom('GET', 'GET', 'GET', 'HEAD'), fill, query, HOST, HEADER_NOISE).map(([method, target, q, host, noise]) => ({
    kind: 'GET routes',
    method,
    valid: false,
    classify: false,
    bytes: Buffer.from(`${method} ${encodeTarget(target + q)} HTTP/1.1\r\n${host}${noise.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1'),
  }));
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.oci.image.manifest.v1+json', 'APPLICATION/JSON', 'application/vnd.oci.image.index.v1+json'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=--x', 'application/json; charset=utf-16', 'application/json; charset=latin1', ';;;', '', 'application/json' + '; a=b'.repeat(300), '*/*', 'application/*'];

function classifyCase(): fc.Arbitrary<Case> {
  const example = fc.constantFrom(...examples);
  // [body, valid?, encoding]
  const body: fc.Arbitrary<{ body: Buffer; valid: boolean; encoding?: string; label: string }> = fc.oneof(
    example.map((e) => ({ body: Buffer.from(e), valid: true, label: 'example manifest' })),
    fc.tuple(example, fc.constantFrom('gzip', 'deflate', 'br')).map(([e, enc]) => ({ body: enc === 'gzip' ? gzipSync(e) : enc === 'deflate' ? deflateSync(e) : brotliCompressSync(e), valid: true, encoding: enc, label: `example manifest, ${enc}` })),
    fc.tuple(example, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([e, at, junk]) => {
      const b = Buffer.from(e);
      const i = at % b.length;
      return { body: Buffer.concat([b.subarray(0, i), Buffer.from(junk), b.subarray(i + 1)]), valid: false, label: 'mutated example' };
    }),
    fc.constantFrom(...BOMBS).map(([enc, bomb]) => ({ body: bomb, valid: false, encoding: enc, label: `${enc} bomb (64 MiB inflated)` })),
    fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'gzip, gzip', 'identity', 'GZIP', 'x'.repeat(300))).map(([b, enc]) => ({ body: Buffer.from(b), valid: false, encoding: enc, label: 'bytes with a Content-Encoding' })),
    fc.uint8Array({ maxLength: 3_000 }).map((b) => ({ body: Buffer.from(b), valid: false, label: 'random bytes' })),
    fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('[', '{"a":', '{"manifest":', '{"layers":[')).map(([n, open]) => {
      const close = open === '[' ? ']' : open === '{"layers":[' ? ']}' : '}';
      return { body: Buffer.from(`${open.repeat(n)}1${close.repeat(n)}`), valid: false, label: 'deep JSON' };
    }),
    fc.tuple(fc.integer({ min: 10_000, max: 4.5 * MiB }), fc.constantFrom('mediaType', 'annotations', 'pad')).map(([n, where]) => ({
      body: Buffer.from(where === 'annotations' ? `{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:0","size":1},"layers":[],"annotations":{"k":"${'x'.repeat(n)}"}}` : `{"schemaVersion":2,"${where}":"${'é'.repeat(n / 2)}"}`),
      valid: false,
      label: 'huge string',
    })),
    fc.jsonValue({ maxDepth: 6 }).map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? 'null'), valid: false, label: 'generated JSON' })),
    fc.integer({ min: 1, max: 20_000 }).map((n) => ({ body: Buffer.from(`{"schemaVersion":2,"layers":[${Array.from({ length: n }, () => '{"mediaType":"a/b","digest":"sha256:0","size":1}').join(',')}]}`), valid: false, label: 'many layers' })),
  );
  const contentType = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...JSON_TYPES).map((t) => ({ header: `Content-Type: ${t}\r\n`, ok: true })) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_TYPES).map((t) => ({ header: `Content-Type: ${t}\r\n`, ok: false })) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Content-Type: text/plain\r\nContent-Type: application/json\r\n', 'Content-Type: application/json\r\nContent-Type: text/plain\r\n').map((header) => ({ header, ok: false })) },
  );
  const framing = fc.constantFrom('length', 'length', 'length', 'chunked', 'chunked-bad', 'length+chunked', 'length-short');
  return fc.tuple(body, contentType, framing, HOST, fc.constantFrom([], ['Accept-Encoding: gzip'], ['X-Dup: 1', 'X-Dup: 2'])).map(([b, type, frame, host, extra]) => {
    const enc = b.encoding ? `Content-Encoding: ${b.encoding}\r\n` : '';
    let framed: string;
    let payload: Buffer;
    if (frame === 'length' || frame === 'length-short') {
      // Short: the last byte left over is read as the start of a next request.
      const length = frame === 'length-short' ? Math.max(0, b.body.length - 1) : b.body.length;
      framed = `Content-Length: ${length}\r\n`;
      payload = b.body;
    } else {
      const size = Math.max(1, Math.ceil(b.body.length / 3));
      const chunks: Buffer[] = [];
      for (let i = 0; i < b.body.length; i += size) {
        const part = b.body.subarray(i, i + size);
        chunks.push(Buffer.from(`${frame === 'chunked-bad' && i === 0 ? 'zz' : part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
      }
      chunks.push(Buffer.from('0\r\n\r\n'));
      framed = frame === 'length+chunked' ? `Content-Length: ${b.body.length}\r\nTransfer-Encoding: chunked\r\n` : 'Transfer-Encoding: chunked\r\n';
      payload = Buffer.concat(chunks);
    }
    const valid = b.valid && type.ok && host === 'Host: x\r\n' && (frame === 'length' || frame === 'chunked');
    const head = Buffer.from(`POST /v1/classify HTTP/1.1\r\n${host}${type.header}${enc}${framed}${extra.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1');
    return { kind: `POST /v1/classify: ${b.label}`, method: 'POST', valid, classify: true, bytes: Buffer.concat([head, payload]) };
  });
}

function bytesCase(): fc.Arbitrary<Case> {
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((b) => Buffer.concat([Buffer.from(b), Buffer.from('\r\n\r\n')])),
    fc.tuple(fc.constantFrom('GET / HTTP/1.1\r\n', 'POST /v1/classify HTTP/1.1\r\n', 'GET /v1/catalog HTTP/1.1\r\nHost: x\r\n'), fc.uint8Array({ minLength: 1, maxLength: 500 })).map(([line, b]) => Buffer.concat([Buffer.from(line), Buffer.from(b), Buffer.from('\r\n\r\n')])),
    fc.constantFrom('CONNECT evil:443 HTTP/1.1\r\nHost: evil:443\r\n\r\n', 'GET /v1/catalog HTTP/1.1\r\nConnection: close\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'GET /v1/catalog HTTP/9.9\r\nHost: x\r\n\r\n', 'GET http://evil/v1/catalog HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`).map((s) => Buffer.from(s)),
  ).map((bytes) => ({ kind: 'raw bytes and odd request lines', method: String(bytes.subarray(0, 4)).startsWith('HEAD') ? 'HEAD' : 'other', valid: false, classify: false, bytes }));
}

export function hostileCase(ids: string[]): fc.Arbitrary<Case> {
  return fc.oneof({ weight: 4, arbitrary: getCase(ids) }, { weight: 4, arbitrary: classifyCase() }, { weight: 1, arbitrary: bytesCase() });
}

interface Tally {
  cases: number;
  statuses: Map<number, number>;
  kinds: Map<string, { n: number; statuses: Set<number> }>;
  valid: number;
  /** Valid requests answered 200. */
  validOk: number;
  failures: string[];
}

function check(c: Case, status: number, text: string, end: string, tally: Tally): void {
  tally.cases++;
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  const kind = tally.kinds.get(c.kind) ?? { n: 0, statuses: new Set<number>() };
  kind.n++;
  kind.statuses.add(status);
  tally.kinds.set(c.kind, kind);
  if (c.valid) tally.valid++;
  if (c.valid && status === 200) tally.validOk++;
  const what = `${c.kind}: ${JSON.stringify(c.bytes.subarray(0, 160).toString('latin1'))} → ${status} (${end}) ${JSON.stringify(text.slice(0, 300))}`;
  const body = rawBody(text);
  const problems: string[] = [];
  if (status === 0) problems.push('no answer');
  else if (status >= 500) problems.push('5xx');
  else if (c.valid && status !== 200) problems.push('a valid request was refused');
  else if (status >= 400 && c.method !== 'HEAD') {
    // A browser (Accept naming text/html, GET) gets the HTML 404 page; every other error is JSON.
    const browser = status === 404 && c.method === 'GET' && /\r\naccept:[^\r\n]*text\/html/i.test(c.bytes.toString('latin1'));
    if (browser && /\r\ncontent-type: text\/html/i.test(text)) {
      if (!/<h1/i.test(body)) problems.push('HTML 404 without its page');
    } else if (!/\r\ncontent-type: application\/json/i.test(text)) problems.push('error not JSON');
    else if (!/^\{"error":\{"code":"[a-z0-9-]+","message":"/.test(body)) problems.push('not the error shape');
  }
  if (/\bat [^\n]*\.(ts|js):\d+/.test(body)) problems.push('stack trace');
  if (c.classify && status === 200 && !body.includes('"conformance"')) problems.push('200 without a classification');
  if (problems.length > 0) tally.failures.push(`${problems.join(', ')}: ${what}`);
}

async function run(seed: number, count: number, tally: Tally, samples: number[]): Promise<void> {
  const typeIds = JSON.parse(await (await fetch(`${server.url}/v1/types`)).text()).types.map((t: { id: string }) => t.id) as string[];
  const cases = fc.sample(hostileCase(typeIds), { seed, numRuns: count });
  const sampler = setInterval(() => void rssMiB(server.pid).then((m) => samples.push(m), () => undefined), 250);
  try {
    await pool(cases, CONCURRENCY, async (c) => {
      const answer = await rawRequest(server.port, c.bytes, 15_000);
      check(c, answer.status, answer.text, answer.end, tally);
    });
  } finally {
    clearInterval(sampler);
  }
}

const newTally = (): Tally => ({ cases: 0, statuses: new Map(), kinds: new Map(), valid: 0, validOk: 0, failures: [] });

const settle = async () => {
  // Idle for a moment so V8's memory reducer can run (no forced GC: the server has no such hook).
  await new Promise((r) => setTimeout(r, 2_500));
  return rssMiB(server.pid);
};

it('answers thousands of generated hostile requests without a 5xx, a crash or memory growth', { timeout: 240_000 }, async () => {
  const warm = newTally();
  const started = Date.now();
  await run(1, WARMUP, warm, []);
  const before = await settle();
  const tally = newTally();
  const samples: number[] = [];
  // In rounds with their own seeds, so a leak shows as RSS rising round after round.
  const rounds: number[] = [];
  for (const seed of [8008, 8009, 8010]) {
    await run(seed, Math.ceil(CASES / 3), tally, samples);
    rounds.push(await settle());
  }
  const after = rounds.at(-1)!;
  const seconds = (Date.now() - started) / 1000;

  // Still alive and serving normally.
  const alive = server.child.exitCode === null;
  const typeStatus = await fetch(`${server.url}/v1/types/opencontainers.image`).then((r) => r.status, (e: Error) => e.message);
  const classifyStatus = await fetch(`${server.url}/v1/classify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: examples[0] }).then((r) => r.status, (e: Error) => e.message);
  // Nothing logged at error level (pino 50+): no request failed inside the server.
  const logged = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string });
  const errors = logged.filter((l) => l.level >= 50);

  const kinds = [...tally.kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `| ${k} | ${v.n} | ${[...v.statuses].sort().join(', ')} |`);
  const statuses = [...tally.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s} × ${n}`).join(', ');
  const checks = new Checks();
  checks.check('the server is still running', alive);
  checks.check('a type GET answers 200 afterwards', typeStatus === 200, `${typeStatus}`);
  checks.check('a classify answers 200 afterwards', classifyStatus === 200, `${classifyStatus}`);
  checks.check('no failure in the warm-up', warm.failures.length === 0, `${warm.failures.length}: ${warm.failures.slice(0, 3).join('; ')}`);
  checks.check('no failure in the hostile requests', tally.failures.length === 0, `${tally.failures.length}: ${tally.failures.slice(0, 3).join('; ')}`);
  checks.check('no error-level log line', errors.length === 0, `${errors.length}: ${errors.slice(0, 3).map((l) => l.msg).join('; ')}`);
  checks.check(`RSS grew less than ${MAX_GROWTH_MIB} MiB`, after - before < MAX_GROWTH_MIB, `${(after - before).toFixed(1)} MiB`);
  report.record(
    `${tally.cases} requests generated by fast-check (seeds 8008, 8009 and 8010, after ${warm.cases} warm-up requests with seed 1), ${CONCURRENCY} at a time, each on its own socket, to a server in its own process (startServer with the production settings except 2 s header and 4 s request timeouts, and V8's heap capped with \`--max-old-space-size=160\` so that RSS reflects what is kept rather than how lazily V8 collects). Every GET route (ids and media types filled with traversal like \`%2e%2e%2f\`, invalid percent-encoding, odd characters, strings up to 20,000 characters) with hostile query strings and headers (long, many, duplicated, missing or repeated Host, control bytes, \`Expect\`), and \`POST /v1/classify\` with real example manifests (plain and compressed), mutated ones, random bytes, JSON nested up to 100,000 deep, strings up to 4.5 MiB, 20,000 layers, gzip/deflate/brotli bombs inflating to 64 MiB, wrong, missing and duplicated content types, chunked, bad chunked and Content-Length+chunked framing. test/reliability/api-hostile.test.ts.\n\n| Kind | Requests | Statuses seen |\n| --- | --- | --- |\n${kinds.join('\n')}\n\nStatuses: ${statuses}. Valid requests in the mix answered 200: ${tally.validOk} of ${tally.valid}. Failures (5xx, no answer, non-JSON error, stack trace, valid request refused): ${tally.failures.length} (warm-up: ${warm.failures.length}). Error-level log lines: ${errors.length}. Afterwards the server was ${alive ? 'still running' : 'gone'}; a type GET answered ${typeStatus}, a classify ${classifyStatus}.\n\nMemory (server RSS from /proc/<pid>/status, no forced GC): ${before.toFixed(1)} MiB after the warm-up, then ${rounds.map((r) => `${r.toFixed(1)}`).join(', ')} MiB after each third of the ${tally.cases} requests (growth ${(after - before).toFixed(1)} MiB; bound ${MAX_GROWTH_MIB} MiB), peak ${Math.max(before, ...samples).toFixed(1)} MiB. Run time ${seconds.toFixed(0)} s.\n\n${checks.summary()}`,
  );
  expect(checks.failed).toEqual([]);
});
