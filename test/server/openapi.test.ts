// /openapi.json is a valid OpenAPI 3.1 document (checked with a maintained validator) that names
// every route the app answers, with the methods it answers; and each documented path really answers.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allRoutes, type RunningServer } from '../../src/server/index.ts';
import { request, seedRepo, start } from './helpers.ts';

let repo: Awaited<ReturnType<typeof seedRepo>>;
let server: RunningServer;

beforeAll(async () => {
  repo = await seedRepo();
  server = await start({ root: repo.root });
});
afterAll(async () => {
  await server?.close();
  await repo?.cleanup();
});

/** Express path pattern → OpenAPI path template. */
const toOpenApi = (path: string) => path.replace(/[:*](\w+)/g, '{$1}');

it('is valid OpenAPI 3.1', async () => {
  const res = await request(`${server.url}/openapi.json`);
  expect(res.status).toBe(200);
  const document = res.json();
  expect(document.openapi).toBe('3.1.0');
  const result = await new Validator().validate(document);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  // The validator is not vacuous: a broken copy fails.
  const broken = structuredClone(document);
  broken.paths['/v1/catalog'].get.responses = { '200': { content: {} } };
  expect((await new Validator().validate(broken)).valid).toBe(false);
});

it('documents every route with exactly its methods', async () => {
  const document = (await request(`${server.url}/openapi.json`)).json();
  const documented = Object.fromEntries(Object.entries(document.paths as Record<string, object>).map(([p, ops]) => [p, Object.keys(ops).map((m) => m.toUpperCase()).sort()]));
  const served = Object.fromEntries(allRoutes().map((r) => [toOpenApi(r.path), r.methods.filter((m) => m !== 'HEAD').sort()]));
  expect(documented).toEqual(served);
});

it('every documented path answers (not 404 for the path itself)', async () => {
  const document = (await request(`${server.url}/openapi.json`)).json();
  const sample: Record<string, string> = { id: 'cncf.helm.chart', mediaType: 'application/vnd.cncf.helm.config.v1+json', file: 'catalog.js', format: 'quay' };
  for (const [template, operations] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    let path = template.replace(/\{(\w+)\}/g, (_, name: string) => sample[name]!);
    if (path === '/v1/media-types') path += `?mediaType=${encodeURIComponent(sample.mediaType!)}`;
    const method = Object.keys(operations)[0]!.toUpperCase();
    const res = await request(`${server.url}${path}`, method === 'POST' ? { method, headers: { 'Content-Type': 'application/json' }, body: '{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"d","size":1},"layers":[]}' } : {});
    if (path === '/registry') {
      // This server has no --registry: the page answers for itself, with its own 404.
      expect([res.status, res.json().error.code], path).toEqual([404, 'no-registry']);
      continue;
    }
    expect(res.status, `${method} ${path}`).toBe(200);
  }
});
