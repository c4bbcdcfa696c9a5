// Registry allowlists from the catalog: the Quay fragment is YAML of Quay's shape, the Pulp fragment is
// Python (parsed by python3), both agree with the catalog and cover every example manifest the registry
// would have to accept; the CLI prints them and the API serves them with ETags.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allowlist, EMPTY_CONFIG, exportCatalog, selectTypes } from '../../src/exports/index.ts';
import type { Catalog } from '../../src/model/catalog.ts';
import { startServer } from '../../src/server/index.ts';
import { readExamples, type Example } from '../package/examples.ts';
import { runCli, type CliResult } from '../registry/cli-run.ts';
import { errorOf, request } from '../server/helpers.ts';
import { definitionsCatalog, DEFINITIONS } from '../registry/catalog-fixture.ts';

const exec = promisify(execFile);
/** What Quay (OCI_IMAGE_LAYER_CONTENT_TYPES) and Pulp (OCI_BLOB_MEDIA_TYPE) accept without any list. */
const BUILT_IN_LAYERS = new Set([
  'application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
]);

let catalog: Catalog;
let examples: Example[];
let work: string;
let catalogFile: string;

beforeAll(async () => {
  catalog = await definitionsCatalog();
  examples = (await readExamples(DEFINITIONS, catalog)).filter((e) => e.role === 'manifest');
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-exports-'));
  catalogFile = path.join(work, 'catalog.json');
  await writeFile(catalogFile, JSON.stringify(catalog));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The OCI image manifests among the examples: what a registry checks against the allowlist. */
function ociManifests(): Array<{ file: string; config: string; layers: string[] }> {
  return examples.flatMap((e) => {
    const m = e.value as { mediaType?: string; config?: { mediaType?: string }; layers?: Array<{ mediaType?: string }> };
    if (m.mediaType !== 'application/vnd.oci.image.manifest.v1+json' || typeof m.config?.mediaType !== 'string') return [];
    return [{ file: e.file, config: m.config.mediaType, layers: (m.layers ?? []).map((l) => String(l.mediaType)) }];
  });
}

async function pythonLiteral(source: string): Promise<unknown> {
  // ast.parse proves it is Python; literal_eval of the assignment gives the value without running anything.
  const script = 'import ast, json, sys\ntree = ast.parse(sys.stdin.read())\n[node] = [n for n in tree.body if isinstance(n, ast.Assign)]\nprint(json.dumps({"name": node.targets[0].id, "value": ast.literal_eval(node.value)}))\n';
  const child = exec('python3', ['-c', script]);
  child.child.stdin!.end(source);
  return JSON.parse((await child).stdout);
}

describe('the allowlist the catalog implies', () => {
  it('lists every config of every image-manifest type with all its layers, the empty config for artifactType types, nothing else', () => {
    const list = allowlist(catalog);
    const configs = new Set(catalog.types.flatMap((t) => [...t.configMediaTypes.map((m) => m.mediaType), ...(t.artifactTypes.length > 0 ? [EMPTY_CONFIG] : [])]));
    const layers = new Set(catalog.types.flatMap((t) => t.layers.map((l) => l.mediaType)));
    for (const [config, listed] of Object.entries(list.map)) {
      expect(configs.has(config), config).toBe(true);
      for (const layer of listed) expect(layers.has(layer), layer).toBe(true);
      expect([...listed].sort()).toEqual(listed);
    }
    for (const type of catalog.types.filter((t) => list.ids.includes(t.id))) {
      for (const config of type.configMediaTypes) for (const layer of type.layers) expect(list.map[config.mediaType], `${type.id} ${config.mediaType}`).toContain(layer.mediaType);
    }
    expect(list.ids.length + list.indexOnly.length).toBe(catalog.types.length);
    expect(list.overEmptyConfig.length).toBeGreaterThan(0);
  });

  it('covers every example OCI manifest: its config is a key and each layer is listed or built in', () => {
    const { map } = allowlist(catalog);
    const allowedLayers = new Set([...BUILT_IN_LAYERS, ...Object.values(map).flat()]);
    const manifests = ociManifests();
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      expect(Object.keys(map), `${m.file} config`).toContain(m.config);
      for (const layer of m.layers) expect(allowedLayers.has(layer), `${m.file} layer ${layer}`).toBe(true);
    }
  });

  it('narrows to the chosen ids (aliases too) and names an unknown id', () => {
    const [first] = catalog.types.filter((t) => allowlist(catalog, [t]).ids.length === 1 && t.configMediaTypes.length > 0);
    const list = allowlist(catalog, selectTypes(catalog, [first!.id]));
    expect(list.ids).toEqual([first!.id]);
    expect(Object.keys(list.map).sort()).toEqual([...new Set(first!.configMediaTypes.map((m) => m.mediaType))].sort());
    expect(() => selectTypes(catalog, [first!.id, 'no.such.type'])).toThrow(/unknown artifact type id: no\.such\.type/);
  });
});

describe('export formats', () => {
  it('quay: valid YAML of Quay config.yaml shape, equal to the allowlist, with the empty-config handling said in a comment', () => {
    const { text, contentType } = exportCatalog(catalog, 'quay');
    expect(contentType).toBe('application/yaml; charset=utf-8');
    const parsed = parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['ALLOWED_OCI_ARTIFACT_TYPES', 'FEATURE_GENERAL_OCI_SUPPORT']);
    expect(parsed.FEATURE_GENERAL_OCI_SUPPORT).toBe(true);
    expect(parsed.ALLOWED_OCI_ARTIFACT_TYPES).toEqual(allowlist(catalog).map);
    for (const [key, value] of Object.entries(parsed.ALLOWED_OCI_ARTIFACT_TYPES as Record<string, unknown>)) {
      expect(typeof key).toBe('string');
      expect(Array.isArray(value) && value.every((v) => typeof v === 'string'), key).toBe(true);
    }
    expect(text).toMatch(new RegExp(`^# Types identified by artifactType over the empty config \\(${EMPTY_CONFIG.replace(/[.+]/g, '\\$&')}\\)`, 'm'));
    expect(text).toContain('https://github.com/quay/quay/blob/');
  });

  it('pulp: valid Python (python3 parses it) assigning ADDITIONAL_OCI_ARTIFACT_TYPES, equal to the allowlist', async () => {
    const { text } = exportCatalog(catalog, 'pulp');
    expect(await pythonLiteral(text)).toEqual({ name: 'ADDITIONAL_OCI_ARTIFACT_TYPES', value: allowlist(catalog).map });
    expect(text).toContain('2.16.0 to 2.18.x');
    expect(text).toContain('https://github.com/pulp/pulp_container/blob/');
    const one = exportCatalog(catalog, 'pulp', [catalog.types.find((t) => t.configMediaTypes.length > 0)!.id]).text;
    expect(await pythonLiteral(one)).toMatchObject({ name: 'ADDITIONAL_OCI_ARTIFACT_TYPES' });
  });

  it('allowlist: the generic JSON map', () => {
    expect(JSON.parse(exportCatalog(catalog, 'allowlist').text)).toEqual(allowlist(catalog).map);
  });
});

describe('artifact-types export', { timeout: 400_000 }, () => {
  it('prints each format, narrows to ids, and answers bad input with exit 2', async () => {
    const id = catalog.types.find((t) => t.configMediaTypes.length > 0)!.id;
    // One at a time: each CLI start is heavy, and side by side on a loaded machine they hit runCli's timeout.
    const results = [];
    for (const args of [['quay'], ['pulp', id], ['allowlist', '--format', 'json'], ['quay', 'no.such.type'], ['harbor'], ['quay', '--format', 'json']]) {
      results.push(await runCli(['export', ...args, '--catalog', catalogFile]));
    }
    const [quay, pulp, json, unknown, badFormat, badOption] = results as [CliResult, CliResult, CliResult, CliResult, CliResult, CliResult];
    expect(quay.code, quay.stderr).toBe(0);
    expect(quay.stdout).toBe(exportCatalog(catalog, 'quay').text);
    expect(pulp.code, pulp.stderr).toBe(0);
    expect(pulp.stdout).toBe(exportCatalog(catalog, 'pulp', [id]).text);
    expect(JSON.parse(json.stdout)).toEqual(allowlist(catalog).map);
    for (const [result, message] of [[unknown, 'no.such.type'], [badFormat, 'unknown export format "harbor"'], [badOption, '--format does not apply to quay']] as const) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('GET /v1/exports/{format}', () => {
  it('serves each format with its content type and a strong ETag, 304 on If-None-Match, clear 4xx for bad input', async () => {
    const server = await startServer({ catalogFile, host: '127.0.0.1', port: 0, logger: false });
    try {
      for (const [format, type] of [['quay', 'application/yaml'], ['pulp', 'text/x-python'], ['allowlist', 'application/json']] as const) {
        // Raw requests: fetch adds Cache-Control: no-cache to a conditional request, which rightly gets a 200.
        const res = await request(`${server.url}/v1/exports/${format}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toContain(type);
        expect(res.text).toBe(exportCatalog(catalog, format).text);
        const etag = res.headers.etag;
        expect(etag).toMatch(/^"sha256:[a-f0-9]{64}"$/);
        const again = await request(`${server.url}/v1/exports/${format}`, { headers: { 'if-none-match': etag! } });
        expect(again.status).toBe(304);
        expect(again.body.length).toBe(0);
      }
      const id = catalog.types[0]!.id;
      const narrowed = await fetch(`${server.url}/v1/exports/allowlist?ids=${encodeURIComponent(id)}`);
      expect(await narrowed.json()).toEqual(JSON.parse(exportCatalog(catalog, 'allowlist', [id]).text));
      const unknownFormat = await request(`${server.url}/v1/exports/harbor`);
      expect(unknownFormat.status).toBe(404);
      expect(errorOf(unknownFormat).message).toContain('quay, pulp, allowlist');
      const unknownId = await request(`${server.url}/v1/exports/quay?ids=no.such.type`);
      expect(unknownId.status).toBe(400);
      expect(errorOf(unknownId).message).toContain('no.such.type');
      const twice = await request(`${server.url}/v1/exports/quay?ids=a&ids=b`);
      expect(twice.status).toBe(400);
      expect(errorOf(twice).message).toContain('query parameter ids');
    } finally {
      await server.close();
    }
  });
});
