// Every distribution-spec error code gets a message that says what to do; the ones a real CNCF
// distribution registry can be driven into are checked against it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_ADVICE, registryErrorFrom } from '../../src/registry/errors.ts';
import { RegistryClient, RegistryError, sha256Digest } from '../../src/registry/index.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

// distribution-spec spec.md, "Error Codes" (code-1 … code-14).
const SPEC_CODES = ['BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'MANIFEST_INVALID', 'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'SIZE_INVALID', 'UNAUTHORIZED', 'DENIED', 'UNSUPPORTED', 'TOOMANYREQUESTS'];

describe('error advice', () => {
  it('has advice for every distribution-spec error code', () => {
    for (const code of SPEC_CODES) {
      const error = registryErrorFrom(400, JSON.stringify({ errors: [{ code, message: 'registry says so' }] }), 'doing a thing');
      expect(error.code).toBe(code);
      expect(error.message).toBe(`doing a thing: 400 ${code} (registry says so): ${ERROR_ADVICE[code]}`);
      expect(ERROR_ADVICE[code]!.length).toBeGreaterThan(20);
    }
  });

  it('falls back on the status when the body is not a registry error', () => {
    expect(registryErrorFrom(429, '<html>slow down</html>', 'x').code).toBe('TOOMANYREQUESTS');
    expect(registryErrorFrom(403, '', 'x').message).toContain('access denied');
    expect(registryErrorFrom(502, 'Bad Gateway', 'x').code).toBe('UNKNOWN');
  });
});

describe('errors from a real registry', () => {
  let registry: RunningRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient(registry.registry);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    return { code: (error as RegistryError).code, message: (error as RegistryError).message };
  }

  it('MANIFEST_BLOB_UNKNOWN: a manifest whose blobs were never pushed', async () => {
    const missing = sha256Digest(Buffer.from('never pushed'));
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: missing, size: 12 }, layers: [] };
    const { code, message } = await codeOf(client.putManifest('errors/test', 'v1', Buffer.from(JSON.stringify(manifest)), manifest.mediaType));
    expect(code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(message).toContain('push its blobs');
  });

  it('MANIFEST_INVALID: a body whose mediaType contradicts its Content-Type', async () => {
    const body = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(Buffer.from('{}')), size: 2 }, layers: [] };
    const { code, message } = await codeOf(client.putManifest('errors/test', 'v1', Buffer.from(JSON.stringify(body)), 'application/vnd.oci.image.manifest.v1+json'));
    expect(code).toBe('MANIFEST_INVALID');
    expect(message).toContain('OCI image-spec');
  });

  it('MANIFEST_UNKNOWN, NAME_UNKNOWN and BLOB_UNKNOWN when reading what is not there', async () => {
    await client.pushBlob('errors/test', Buffer.from('{}'));
    expect((await codeOf(client.getManifest('errors/test', 'missing'))).code).toBe('MANIFEST_UNKNOWN');
    const tags = client.tags('errors/nothing-here');
    expect((await codeOf(tags.next())).code).toBe('NAME_UNKNOWN');
    const blob = { digest: sha256Digest(Buffer.from('absent')), size: 6 };
    expect((await codeOf(client.getBlob('errors/test', blob, 100))).code).toBe('BLOB_UNKNOWN');
  });

  it('DIGEST_INVALID when content does not match its digest', async () => {
    const { message } = await codeOf(client.getBlob('errors/test', { digest: sha256Digest(Buffer.from('{}')), size: 3 }, 100));
    expect(message).toContain('got 2 bytes, the descriptor says 3');
  });

  it('a dead port is a network error with a hint, not a stack trace', async () => {
    const port = Number(registry.registry.split(':')[1]);
    await registry.stop();
    const { code, message } = await codeOf(new RegistryClient(`127.0.0.1:${port}`).ping());
    expect(code).toBe('NETWORK');
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain('is the registry running');
  });
});
