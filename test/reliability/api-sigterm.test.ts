// SIGTERM under load, against the real `serve` command: autocannon (50 connections, GETs, 304s and
// classify calls) plus uploads caught half sent. In-flight requests complete (the half-sent uploads
// get their 200 after the signal), new connections are refused, no answer is an error, exit code 0.
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Checks, reliabilitySection } from '../reliability-report.ts';
import { autocannon, catalogRepo, exampleManifests, spawnServe } from './helpers.ts';

const report = reliabilitySection('api-sigterm', 'API faults: SIGTERM under load');
let repo: Awaited<ReturnType<typeof catalogRepo>>;
const logFile = path.join(os.tmpdir(), `api-sigterm-${process.pid}.log`);
beforeAll(async () => {
  repo = await catalogRepo();
});
afterAll(async () => {
  await repo?.cleanup();
  await rm(logFile, { force: true });
});

/** A classify upload that sends half its body now and the rest when told; resolves with the raw answer. */
function halfSent(port: number, body: string): Promise<{ finish(): void; answer: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const half = Math.floor(body.length / 2);
      socket.write(`POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
      let text = '';
      socket.on('data', (d) => (text += d));
      const answer = new Promise<string>((done) => socket.on('close', () => done(text)));
      resolve({ finish: () => socket.write(body.slice(half)), answer });
    });
    socket.on('error', reject);
  });
}

it('drains on SIGTERM under load: in-flight requests complete, new connections are refused, exit 0', { timeout: 120_000 }, async () => {
  const examples = await exampleManifests(repo.root);
  const run = await spawnServe(['--root', repo.root], logFile);
  try {
    const catalog = await fetch(`${run.url}/v1/catalog`);
    const etag = catalog.headers.get('etag')!;
    const body = examples.find((e) => e.includes('application/vnd.cncf.helm.config.v1+json')) ?? examples[0]!;
    const cannon = autocannon({
      url: run.url,
      connections: 50,
      duration: 20,
      requests: [
        { method: 'GET', path: '/v1/types/opencontainers.image' },
        { method: 'GET', path: '/v1/catalog', headers: { 'if-none-match': etag } },
        { method: 'GET', path: '/v1/catalog', headers: { 'accept-encoding': 'gzip' } },
        { method: 'POST', path: '/v1/classify', headers: { 'content-type': 'application/json' }, body },
      ],
    });
    let signalAt = 0;
    const errors: Array<{ code: string; afterSignal: boolean }> = [];
    let answered = 0;
    let answeredAfterSignal = 0;
    cannon.on('response', () => {
      answered++;
      if (signalAt) answeredAfterSignal++;
    });
    cannon.on('reqError', (error: Error & { code?: string }) => errors.push({ code: error.code ?? error.message, afterSignal: signalAt > 0 }));

    // Load first: at least 3 s and more than 1,000 answers (bounded at 15 s; a slower server fails the check below).
    const loadStart = Date.now();
    while (Date.now() - loadStart < 3_000 || (answered <= 1_000 && Date.now() - loadStart < 15_000)) await new Promise((r) => setTimeout(r, 100));
    const uploads = await Promise.all(Array.from({ length: 10 }, () => halfSent(run.port, body)));
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGTERM');
    signalAt = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    // New connections are refused while the old ones drain.
    const refused = await fetch(`${run.url}/healthz`).then(() => 'accepted', (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message);
    for (const upload of uploads) upload.finish();
    const answers = await Promise.all(uploads.map((u) => u.answer));
    const code = await run.exited;
    const drainMs = Date.now() - signalAt;
    cannon.stop();
    const result = await cannon;

    // The server's own log: every request it started, it answered (no aborted or failed ones).
    const lines = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; level: number; req?: { url: string }; res?: { statusCode: number } });
    const completed = lines.filter((l) => l.msg === 'request completed');
    // Besides autocannon's: the readiness polls, the ETag fetch and the 10 uploads. Every request of
    // autocannon's that the server began, autocannon got the answer to.
    const others = completed.filter((l) => l.req?.url === '/readyz').length + 1 + uploads.length;
    const unfinished = lines.filter((l) => l.msg !== 'request completed' && l.res);
    const errorLines = lines.filter((l) => l.level >= 50);
    const logged4xx5xx = completed.filter((l) => l.res!.statusCode >= 400);
    const statuses = Object.keys(result.statusCodeStats).map(Number).sort((a, b) => a - b);
    const failedStatuses = statuses.filter((s) => s >= 400);
    const failedAnswers = failedStatuses.reduce((n, s) => n + (result.statusCodeStats[String(s)]?.count ?? 0), 0);
    const errorsBefore = errors.filter((e) => !e.afterSignal);
    const goodUploads = answers.filter((a) => /^HTTP\/1\.1 200 /.test(a) && a.includes('"id":"cncf.helm.chart"')).length;

    const checks = new Checks();
    checks.check('new connection after the signal refused', refused === 'ECONNREFUSED', `got ${refused}`);
    checks.check('half-sent uploads answered 200 with the right type', goodUploads === uploads.length, `${goodUploads} of ${uploads.length}; first other answer: ${answers.find((a) => !/^HTTP\/1\.1 200 /.test(a) || !a.includes('"id":"cncf.helm.chart"'))?.slice(0, 120) ?? ''}`);
    checks.check('exit code 0', code === 0, `got ${code}`);
    checks.check('no 4xx/5xx answer to autocannon', failedAnswers === 0, `${failedAnswers} (statuses ${failedStatuses.join(', ')})`);
    checks.check('no client-side error before the signal', errorsBefore.length === 0, `${errorsBefore.length}: ${errorsBefore.slice(0, 3).map((e) => e.code).join(', ')}`);
    checks.check('more than 1,000 answers', answered > 1_000, `${answered}`);
    checks.check("autocannon's requests the server logged equal the answers autocannon got", completed.length - others === answered, `${completed.length - others} logged, ${answered} answered`);
    checks.check('no error-level log line', errorLines.length === 0, `${errorLines.length}: ${errorLines.slice(0, 3).map((l) => l.msg).join('; ')}`);
    checks.check('no request logged unfinished', unfinished.length === 0, `${unfinished.length}: ${unfinished.slice(0, 3).map((l) => l.msg).join('; ')}`);
    checks.check('no request logged 4xx/5xx', logged4xx5xx.length === 0, `${logged4xx5xx.length}`);

    const byCode = new Map<string, number>();
    for (const e of errors.filter((x) => x.afterSignal)) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
    report.record(
      `The real \`artifact-types serve\` (full catalog) under autocannon (50 connections: GET /v1/types/{id}, GET /v1/catalog with If-None-Match → 304, GET /v1/catalog gzip, POST /v1/classify with a real manifest), plus 10 classify uploads caught half sent. SIGTERM after 3 s. test/reliability/api-sigterm.test.ts.\n\n| Check | Result |\n| --- | --- |\n| Answers before and after the signal | ${answered} (${answeredAfterSignal} after it), statuses ${statuses.join(', ')}; 4xx/5xx: ${failedAnswers} |\n| Half-sent uploads finished after the signal | ${goodUploads} of ${uploads.length} answered 200 with the right type |\n| New connection 300 ms after the signal | ${refused} |\n| Requests the server logged | ${completed.length}: unfinished ${unfinished.length}, 4xx/5xx ${logged4xx5xx.length}, error-level log lines ${errorLines.length}; those from autocannon: ${completed.length - others}, answers autocannon received: ${answered} |\n| Client-side errors | before the signal: ${errorsBefore.length}; after it: ${[...byCode].map(([c, n]) => `${c} × ${n}`).join(', ') || 'none'} (after the signal: connections closed or refused by the draining server${completed.length - others === answered ? '; none carried a request the server had begun, since every request it logged from autocannon was answered' : ''}) |\n| Exit | code ${code}, ${drainMs} ms after the signal |\n\n${checks.summary()}`,
    );
    expect(checks.failed).toEqual([]);
  } finally {
    run.kill();
  }
});
