// The fast lane answers exactly as the express routes do: same status, headers (but Date) and
// bytes for every request shape it takes, and it really takes them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/index.ts';
import { request, seedRepo, start, type RawResponse } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let fast: RunningServer;
let plain: RunningServer;

beforeAll(async () => {
  repo = await seedRepo();
  fast = await start({ root: repo.root });
  plain = await start({ root: repo.root, fastLane: false });
});
afterAll(async () => {
  await fast?.close();
  await plain?.close();
  await repo?.cleanup();
});

const fastCount = async () => Number(/artifact_types_fast_lane_requests_total (\d+)/.exec((await request(`${fast.url}/metrics`)).text)![1]);

function comparable(res: RawResponse) {
  const { date: _date, ...headers } = res.headers;
  return { status: res.status, headers, body: res.body.toString('base64') };
}

it('answers like express, header for header, and serves those requests itself', async () => {
  const etag = (await request(`${plain.url}/v1/catalog`)).headers.etag!;
  // Make sure the type's response is prepared (the background warm-up may not have reached it).
  await request(`${fast.url}/v1/types/cncf.helm.chart`);
  const before = await fastCount();
  const cases: Array<[string, Record<string, string>, string?]> = [
    ['/v1/catalog', {}],
    ['/v1/catalog', { 'Accept-Encoding': 'gzip, deflate, br' }],
    ['/v1/catalog', { 'Accept-Encoding': 'gzip' }],
    ['/v1/catalog', { 'If-None-Match': etag }],
    ['/v1/catalog', { 'If-None-Match': etag, 'Cache-Control': 'no-cache' }],
    ['/v1/catalog', {}, 'HEAD'],
    ['/v1/types/cncf.helm.chart', {}],
    ['/v1/types/cncf.helm.chart', { 'Accept-Encoding': 'br' }],
    ['/v1/types/cncf.helm.chart', {}, 'HEAD'],
  ];
  for (const [path, headers, method] of cases) {
    const a = await request(`${fast.url}${path}`, { headers, method });
    const b = await request(`${plain.url}${path}`, { headers, method });
    expect(comparable(a), `${method ?? 'GET'} ${path} ${JSON.stringify(headers)}`).toEqual(comparable(b));
  }
  expect((await fastCount()) - before).toBe(cases.length);
});

it('leaves everything else to express', async () => {
  const before = await fastCount();
  for (const path of ['/v1/catalog?x=1', '/v1/types/cncf.helm.chrt', '/v1/types/CNCF.HELM.CHART', '/v1/types/cncf.helm.chart/', '/v1/types/%63ncf.helm.chart', '/v1/types']) {
    const a = await request(`${fast.url}${path}`);
    const b = await request(`${plain.url}${path}`);
    expect(comparable(a), path).toEqual(comparable(b));
  }
  const post = await request(`${fast.url}/v1/catalog`, { method: 'POST' });
  expect(post.status).toBe(405);
  expect((await fastCount()) - before).toBe(0);
});

it('logs and counts its requests like any other', async () => {
  const { pino } = await import('pino');
  const lines: Array<Record<string, any>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const logged = await start({ root: repo.root, logger });
  try {
    await request(`${logged.url}/v1/types/sylabs.sif`); // prepared by now, if the background warm-up was slower
    const laneBefore = Number(/artifact_types_fast_lane_requests_total (\d+)/.exec((await request(`${logged.url}/metrics`)).text)![1]);
    lines.length = 0;
    const res = await request(`${logged.url}/v1/types/sylabs.sif`, { headers: { 'User-Agent': 'lane-test' } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const line = lines.find((l) => l.msg === 'request completed');
    expect(line).toMatchObject({ req: { method: 'GET', url: '/v1/types/sylabs.sif', userAgent: 'lane-test' }, res: { statusCode: 200 } });
    expect(typeof line!.responseTime).toBe('number');
    // The express path's next request continues the same id sequence, with the same fields.
    await request(`${logged.url}/v1/types`, { headers: { 'User-Agent': 'lane-test' } });
    await new Promise((r) => setTimeout(r, 50));
    const routed = lines.filter((l) => l.msg === 'request completed').find((l) => l.req.url === '/v1/types');
    expect(Object.keys(routed!.req).sort()).toEqual(Object.keys(line!.req).sort());
    expect(routed!.req.id).toBe(line!.req.id + 1);
    const metrics = (await request(`${logged.url}/metrics`)).text;
    expect(metrics).toMatch(/artifact_types_http_requests_total\{method="GET",route="\/v1\/types\/:id",status="200"\} 2/);
    expect(metrics).toContain(`artifact_types_fast_lane_requests_total ${laneBefore + 1}`);
  } finally {
    await logged.close();
  }
});
