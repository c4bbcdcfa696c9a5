// A small OCI distribution-spec client over Node's fetch: blobs (HEAD, monolithic and chunked
// upload, verified GET), manifests (PUT with their media type, verified GET), and paginated listings.
import { createHash } from 'node:crypto';
import { Authenticator, type Credentials } from './auth.ts';
import { RegistryError, networkError, registryErrorFrom } from './errors.ts';
import { parseRegistry } from './reference.ts';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** Registries SHOULD accept manifests up to 4 MiB (distribution-spec); we read no more than that. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ClientOptions {
  credentials?: Credentials;
  /** Blobs larger than this are uploaded in PATCH chunks of this size (default 8 MiB). */
  chunkSize?: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  data?: string;
  [key: string]: unknown;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  json: Record<string, unknown>;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Authorization scope, e.g. repository:charts/web:pull. */
  scope: string;
  /** What the user was doing, for error messages. */
  what: string;
  /** Status codes that are not errors here (besides 2xx). */
  accept?: number[];
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Reads a response body, refusing one larger than `max` bytes (the registry is not trusted). */
async function readLimited(response: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel();
    throw new RegistryError(`${what}: the registry sent ${declared} bytes, more than the ${max} allowed`, { code: 'SIZE_INVALID' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > max) throw new RegistryError(`${what}: the registry sent more than the ${max} bytes allowed`, { code: 'SIZE_INVALID' });
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

/** The `rel="next"` target of a Link header (distribution-spec pagination), if any. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (match) return match[1]!;
  }
  return null;
}

export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: string;
  private readonly auth: Authenticator;
  private readonly chunkSize: number;
  private readonly timeoutMs: number;
  private readonly hasCredentials: boolean;

  constructor(registry: string, options: ClientOptions = {}) {
    const parsed = parseRegistry(registry);
    this.registry = parsed.registry;
    this.baseUrl = parsed.baseUrl;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.chunkSize = options.chunkSize ?? 8 * 1024 * 1024;
    this.hasCredentials = options.credentials !== undefined;
    this.auth = new Authenticator(this.registry, options.credentials, this.timeoutMs);
  }

  /** Resolves a Location or Link target; refuses to follow one to another origin. */
  private resolve(target: string): URL {
    const url = new URL(target, this.baseUrl);
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new RegistryError(`${this.registry} pointed the client at another host (${url.origin}); refusing to send requests there`, { code: 'UNSUPPORTED' });
    }
    return url;
  }

  /** One request with the auth dance: on 401 learn the challenge and retry once. */
  async request(target: string | URL, options: RequestOptions): Promise<Response> {
    const url = typeof target === 'string' ? this.resolve(target) : target;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...options.headers };
      const authorization = this.auth.header(options.scope);
      if (authorization) headers.authorization = authorization;
      let response: Response;
      try {
        response = await fetch(url, {
          method: options.method ?? 'GET',
          headers,
          body: options.body as Uint8Array<ArrayBuffer> | undefined,
          redirect: 'follow',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        throw networkError(error, url.href);
      }
      if (response.status === 401 && attempt === 0) {
        const challenge = response.headers.get('www-authenticate');
        await response.body?.cancel();
        if (await this.auth.respond(challenge, options.scope)) continue;
        if (!this.hasCredentials) {
          throw new RegistryError(`${options.what}: 401 UNAUTHORIZED: ${this.registry} requires authentication; pass --username and --password (or set ARTIFACT_TYPES_REGISTRY_USERNAME and ARTIFACT_TYPES_REGISTRY_PASSWORD)`, { code: 'UNAUTHORIZED', status: 401 });
        }
      }
      if (response.ok || options.accept?.includes(response.status)) return response;
      const text = (await readLimited(response, 64 * 1024, options.what).catch(() => Buffer.alloc(0))).toString('utf8');
      if (response.status === 401 && this.hasCredentials) {
        // A bearer challenge with error=insufficient_scope: the login worked, the permission is missing.
        if (/error="?insufficient_scope/i.test(response.headers.get('www-authenticate') ?? '')) {
          throw new RegistryError(`${options.what}: 401 DENIED: the credentials are valid but do not grant ${options.scope}; ask the registry admin for that access`, { code: 'DENIED', status: 401 });
        }
        throw new RegistryError(`${options.what}: 401 UNAUTHORIZED: ${this.registry} rejected the username and password; check them`, { code: 'UNAUTHORIZED', status: 401 });
      }
      throw registryErrorFrom(response.status, text, options.what);
    }
  }

  /** Checks that the registry speaks the distribution API (GET /v2/). */
  async ping(): Promise<void> {
    const response = await this.request('/v2/', { scope: '', what: `checking ${this.registry}/v2/` });
    await response.body?.cancel();
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    const response = await this.request(`/v2/${repository}/blobs/${digest}`, {
      method: 'HEAD',
      scope: `repository:${repository}:pull`,
      what: `checking blob ${digest} in ${repository}`,
      accept: [404],
    });
    return response.status !== 404;
  }

  /** Uploads a blob unless it is there already; monolithic up to chunkSize, chunked PATCHes above. */
  async pushBlob(repository: string, data: Uint8Array): Promise<{ digest: string; size: number; skipped: boolean }> {
    const digest = sha256Digest(data);
    const scope = `repository:${repository}:pull,push`;
    if (await this.blobExists(repository, digest)) return { digest, size: data.length, skipped: true };
    const what = `uploading blob ${digest} to ${this.registry}/${repository}`;
    const start = await this.request(`/v2/${repository}/blobs/uploads/`, { method: 'POST', scope, what, headers: { 'content-length': '0' } });
    await start.body?.cancel();
    let location = this.uploadLocation(start, what);
    if (data.length > this.chunkSize) {
      for (let offset = 0; offset < data.length; offset += this.chunkSize) {
        const chunk = data.subarray(offset, Math.min(offset + this.chunkSize, data.length));
        const patch = await this.request(location, {
          method: 'PATCH',
          scope,
          what,
          body: chunk,
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}`, 'content-length': String(chunk.length) },
        });
        await patch.body?.cancel();
        location = this.uploadLocation(patch, what);
      }
      location.searchParams.set('digest', digest);
      const done = await this.request(location, { method: 'PUT', scope, what, headers: { 'content-length': '0' } });
      await done.body?.cancel();
    } else {
      location.searchParams.set('digest', digest);
      const done = await this.request(location, {
        method: 'PUT',
        scope,
        what,
        body: data,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
      });
      await done.body?.cancel();
    }
    return { digest, size: data.length, skipped: false };
  }

  private uploadLocation(response: Response, what: string): URL {
    const location = response.headers.get('location');
    if (!location) throw new RegistryError(`${what}: the registry did not say where to upload (no Location header)`, { code: 'BLOB_UPLOAD_INVALID' });
    return this.resolve(location);
  }

  /** Fetches a blob and checks its size and sha256 against the descriptor. */
  async getBlob(repository: string, descriptor: { digest: string; size: number }, maxBytes: number): Promise<Buffer> {
    const what = `fetching blob ${descriptor.digest} from ${this.registry}/${repository}`;
    if (descriptor.size > maxBytes) throw new RegistryError(`${what}: ${descriptor.size} bytes is more than the ${maxBytes} allowed`, { code: 'SIZE_INVALID' });
    const response = await this.request(`/v2/${repository}/blobs/${descriptor.digest}`, { scope: `repository:${repository}:pull`, what });
    const bytes = await readLimited(response, maxBytes, what);
    if (bytes.length !== descriptor.size) throw new RegistryError(`${what}: got ${bytes.length} bytes, the descriptor says ${descriptor.size}; the registry content is corrupt or was replaced`, { code: 'SIZE_INVALID' });
    const actual = sha256Digest(bytes);
    if (actual !== descriptor.digest) throw new RegistryError(`${what}: content hashes to ${actual}; the registry content is corrupt or was replaced`, { code: 'DIGEST_INVALID' });
    return bytes;
  }

  /** PUTs a manifest with its media type as Content-Type; returns its digest. */
  async putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const digest = sha256Digest(bytes);
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      scope: `repository:${repository}:pull,push`,
      what: `pushing manifest ${this.registry}/${repository}:${reference}`,
      body: bytes,
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
    });
    await response.body?.cancel();
    const returned = response.headers.get('docker-content-digest');
    if (returned && returned !== digest) {
      throw new RegistryError(`pushing manifest ${this.registry}/${repository}:${reference}: the registry stored digest ${returned}, expected ${digest}`, { code: 'DIGEST_INVALID' });
    }
    return digest;
  }

  /** GETs a manifest or index by tag or digest and verifies its digest. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const what = `fetching manifest ${this.registry}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, {
      scope: `repository:${repository}:pull`,
      what,
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
    });
    const bytes = await readLimited(response, MAX_MANIFEST_BYTES, what);
    const digest = sha256Digest(bytes);
    const expected = reference.startsWith('sha256:') ? reference : response.headers.get('docker-content-digest');
    if (expected && expected.startsWith('sha256:') && expected !== digest) {
      throw new RegistryError(`${what}: content hashes to ${digest}, not ${expected}; the registry content is corrupt or was replaced`, { code: 'DIGEST_INVALID' });
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new RegistryError(`${what}: the manifest is not JSON`, { code: 'MANIFEST_INVALID' });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RegistryError(`${what}: the manifest is not a JSON object`, { code: 'MANIFEST_INVALID' });
    const record = json as Record<string, unknown>;
    const mediaType = typeof record.mediaType === 'string' ? record.mediaType : (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { bytes, mediaType, digest, json: record };
  }

  /**
   * The referrers API (distribution-spec 1.1, GET /v2/<name>/referrers/<digest>): every page of the
   * answer's descriptors, or null when the registry has no such API (it answers 404, which a registry
   * with the API must not). `artifactType` asks the registry to filter; when it did not say it applied
   * the filter (OCI-Filters-Applied), the descriptors are filtered here.
   */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[] | null> {
    const what = `listing referrers of ${this.registry}/${repository}@${digest}`;
    let url: URL | null = this.resolve(`/v2/${repository}/referrers/${digest}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`);
    const found: Descriptor[] = [];
    for (let pages = 0; url; pages++) {
      if (pages >= 1000) throw new RegistryError(`${what}: more than 1000 pages; the registry's pagination does not end`, { code: 'UNSUPPORTED' });
      const response = await this.request(url, { scope: `repository:${repository}:pull`, what, headers: { accept: 'application/vnd.oci.image.index.v1+json' }, accept: [404] });
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      let body: unknown;
      try {
        body = JSON.parse((await readLimited(response, MAX_MANIFEST_BYTES, what)).toString('utf8'));
      } catch {
        throw new RegistryError(`${what}: the answer is not JSON`, { code: 'MANIFEST_INVALID' });
      }
      const manifests = typeof body === 'object' && body !== null ? (body as { manifests?: unknown }).manifests : undefined;
      if (!Array.isArray(manifests)) throw new RegistryError(`${what}: the answer is not an image index (no manifests list)`, { code: 'MANIFEST_INVALID' });
      const filtered = (response.headers.get('oci-filters-applied') ?? '').split(',').map((v) => v.trim()).includes('artifactType');
      for (const entry of manifests as unknown[]) {
        if (typeof entry !== 'object' || entry === null) continue;
        const descriptor = entry as Descriptor;
        if (typeof descriptor.digest !== 'string' || typeof descriptor.mediaType !== 'string') continue;
        if (artifactType && !filtered && descriptor.artifactType !== artifactType) continue;
        found.push(descriptor);
      }
      const next = nextLink(response.headers.get('link'));
      url = next ? this.resolve(next) : null;
    }
    return found;
  }

  /** Walks a paginated list endpoint (`n` + `Link: <…>; rel="next"`). */
  private async *paginate(path: string, key: 'repositories' | 'tags', scope: string, what: string, pageSize: number): AsyncGenerator<string> {
    let url: URL | null = this.resolve(`${path}?n=${pageSize}`);
    let pages = 0;
    while (url) {
      if (++pages > 100_000) throw new RegistryError(`${what}: more than 100000 pages; the registry's pagination does not end`, { code: 'UNSUPPORTED' });
      const response = await this.request(url, { scope, what });
      const text = (await readLimited(response, 16 * 1024 * 1024, what)).toString('utf8');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text || '{}') as Record<string, unknown>;
      } catch {
        throw new RegistryError(`${what}: the registry did not answer with JSON`, { code: 'UNSUPPORTED' });
      }
      const items = body[key];
      if (items !== null && items !== undefined && !Array.isArray(items)) throw new RegistryError(`${what}: "${key}" is not a list`, { code: 'UNSUPPORTED' });
      for (const item of (items as unknown[] | null) ?? []) if (typeof item === 'string') yield item;
      const next = nextLink(response.headers.get('link'));
      url = next ? this.resolve(next) : null;
    }
  }

  repositories(pageSize = 100): AsyncGenerator<string> {
    return this.paginate('/v2/_catalog', 'repositories', 'registry:catalog:*', `listing repositories of ${this.registry}`, pageSize);
  }

  tags(repository: string, pageSize = 100): AsyncGenerator<string> {
    return this.paginate(`/v2/${repository}/tags/list`, 'tags', `repository:${repository}:pull`, `listing tags of ${this.registry}/${repository}`, pageSize);
  }
}
