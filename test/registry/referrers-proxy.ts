// A referrers API in front of the real CNCF distribution registry, which has none: no registry with
// the API is packaged here. It follows distribution-spec 1.1: a pushed manifest with `subject` gets the
// `OCI-Subject` response header and is listed by GET /v2/<name>/referrers/<digest>, each descriptor with
// the manifest's artifactType (else its config mediaType) and annotations; `?artifactType=` filters and
// says so in `OCI-Filters-Applied`. Everything else passes through to the registry unchanged.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Referrer {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ReferrersProxy {
  /** host:port of the proxy */
  registry: string;
  /** Referrers API requests seen, as paths with their query. */
  requests: string[];
  stop(): Promise<void>;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startReferrersProxy(upstream: string): Promise<ReferrersProxy> {
  const referrers = new Map<string, Referrer[]>();
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const listing = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname);
      if (listing && req.method === 'GET') {
        requests.push(`${url.pathname}${url.search}`);
        const [, name, digest] = listing;
        if (!DIGEST.test(digest!)) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'invalid digest' }] }));
          return;
        }
        const filter = url.searchParams.get('artifactType');
        const all = referrers.get(`${name}@${digest}`) ?? [];
        const manifests = filter ? all.filter((r) => r.artifactType === filter) : all;
        const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
        if (filter) headers['oci-filters-applied'] = 'artifactType';
        res.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
        return;
      }
      const body = req.method === 'PUT' || req.method === 'PATCH' || req.method === 'POST' ? await readBody(req) : null;
      // distribution builds Location URLs from X-Forwarded-Host, so uploads come back through the proxy.
      const headers: http.IncomingHttpHeaders = { ...req.headers, 'x-forwarded-host': req.headers.host, 'x-forwarded-proto': 'http' };
      delete headers.host;
      const forwarded = await fetch(new URL(`${url.pathname}${url.search}`, upstream), {
        method: req.method,
        headers: Object.fromEntries(Object.entries(headers).filter(([k, v]) => typeof v === 'string' && k !== 'connection' && k !== 'content-length')) as Record<string, string>,
        body: body ? new Uint8Array(body) : undefined,
        redirect: 'manual',
      });
      const out: Record<string, string> = {};
      forwarded.headers.forEach((value, key) => {
        if (key !== 'content-encoding' && key !== 'transfer-encoding' && key !== 'connection') out[key] = value;
      });
      const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (manifest && req.method === 'PUT' && forwarded.status === 201 && body) {
        let json: Record<string, unknown> | null = null;
        try {
          json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          json = null;
        }
        const subject = json?.subject as { digest?: unknown } | undefined;
        if (json && subject && typeof subject.digest === 'string') {
          const config = json.config as { mediaType?: unknown } | undefined;
          const artifactType = typeof json.artifactType === 'string' ? json.artifactType : typeof config?.mediaType === 'string' ? config.mediaType : undefined;
          const entry: Referrer = {
            mediaType: typeof json.mediaType === 'string' ? json.mediaType : (req.headers['content-type'] ?? 'application/vnd.oci.image.manifest.v1+json'),
            digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
            size: body.length,
            ...(artifactType ? { artifactType } : {}),
            ...(json.annotations && typeof json.annotations === 'object' ? { annotations: json.annotations as Record<string, string> } : {}),
          };
          const key = `${manifest[1]}@${subject.digest}`;
          referrers.set(key, [...(referrers.get(key) ?? []).filter((r) => r.digest !== entry.digest), entry]);
          out['oci-subject'] = subject.digest;
        }
      }
      res.writeHead(forwarded.status, out);
      res.end(Buffer.from(await forwarded.arrayBuffer()));
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    registry: `127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
