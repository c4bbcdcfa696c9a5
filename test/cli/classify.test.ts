// `artifact-types classify` as a user runs it: a tag-schema index named a referrers list (never a
// multi-platform image), and a manifest's image-spec violations listed with their spec sections.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../registry/cli-run.ts';
import { writeTestDist } from '../registry/catalog-fixture.ts';

let work: string;
let catalogFile: string;
const SHA = `sha256:${'c'.repeat(64)}`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-classify-cli-'));
  catalogFile = await writeTestDist(work);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function file(name: string, value: unknown): Promise<string> {
  const where = path.join(work, name);
  await writeFile(where, JSON.stringify(value));
  return where;
}

describe('artifact-types classify', () => {
  it('--tag sha256-<hex> names the index a referrers list, each entry by its artifactType', async () => {
    const index = await file('index.json', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: SHA, size: 800, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }] });
    const result = await runCli(['classify', index, '--catalog', catalogFile, '--format', 'text', '--tag', `sha256-${'d'.repeat(64)}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`referrers list (the referrers tag schema) of sha256:${'d'.repeat(64)}, 1 referrer(s):\n  /manifests/0 Sigstore bundle (sigstore.bundle): artifactType application/vnd.dev.sigstore.bundle.v0.3+json ${SHA}\n`);
  });

  it('lists every image-spec violation with its pointer and spec section, after the classification', async () => {
    const manifest = await file('bad.json', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'invalid', digest: SHA, size: 2 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: SHA, size: '675598' }] });
    const result = await runCli(['classify', manifest, '--catalog', catalogFile, '--format', 'json']);
    expect(result.code).toBe(1); // a spec violation (and no known type): exit 1, the report still printed
    const json = JSON.parse(result.stdout) as { kind: string; validation: Array<{ severity: string; code: string; path: string; spec: string }> };
    expect(json.kind).toBe('manifest');
    expect(json.validation.map((v) => [v.severity, v.code, v.path])).toEqual([['error', 'descriptor-media-type', '/config/mediaType'], ['error', 'descriptor-size', '/layers/0/size']]);
  });
});
