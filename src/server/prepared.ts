// Responses prepared once per catalog build: the body serialized, its ETag, and gzip/brotli
// variants, so serving one is a header lookup and a write.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accepts, notModified } from './negotiate.ts';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Appended to the identity ETag's value for each coding (the static export's nginx.conf uses them too). */
export const ETAG_SUFFIX = { gzip: '-gzip', br: '-br' } as const;

/** Bodies smaller than this are not worth compressing. */
const MIN_COMPRESS = 512;

export interface Prepared {
  body: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
  /** Quoted strong ETag of the identity body. */
  etag: string;
  /** Strong ETags of the gzip and brotli bodies: a strong validator differs between content codings
   * (RFC 9110 §8.8.3), so each is the identity's with `-gzip` / `-br` appended inside the quotes. */
  gzipEtag: string | null;
  brEtag: string | null;
  headers: Array<[string, string]>;
}

export interface PrepareOptions {
  type: string;
  cacheControl: string;
  /** The ETag value without quotes; defaults to the sha256 of the body. */
  etag?: string;
  headers?: Record<string, string>;
  /** False for bodies made per request (searches): compressing them would cost more than it saves. */
  compress?: boolean;
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Serializes (if needed), hashes and compresses a body. */
export async function prepare(content: string | Buffer | object, options: PrepareOptions): Promise<Prepared> {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
  let gz: Buffer | null = null;
  let br: Buffer | null = null;
  if (options.compress !== false && body.length >= MIN_COMPRESS) {
    // Best brotli for the bodies registries fetch whole; a fast level for big or per-type ones.
    const quality = body.length > 2 ** 21 ? 5 : body.length > 64 * 1024 ? 9 : 6;
    [gz, br] = await Promise.all([
      gzip(body, { level: 9 }),
      brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } }),
    ]);
    if (gz.length >= body.length) gz = null;
    if (br.length >= body.length) br = null;
  }
  const headers: Record<string, string> = { 'Content-Type': options.type, 'Cache-Control': options.cacheControl, ...options.headers };
  if (gz || br) headers.Vary = 'Accept-Encoding';
  const tag = options.etag ?? sha256(body);
  return { body, gzip: gz, br, etag: `"${tag}"`, gzipEtag: gz ? `"${tag}${ETAG_SUFFIX.gzip}"` : null, brEtag: br ? `"${tag}${ETAG_SUFFIX.br}"` : null, headers: Object.entries(headers) };
}

/** The variant to send: brotli, then gzip, whenever the client accepts them (q > 0), else identity. */
function pickEncoding(req: IncomingMessage, prepared: Prepared): { body: Buffer; encoding: 'br' | 'gzip' | null; etag: string } {
  const acceptEncoding = req.headers['accept-encoding'];
  if (acceptEncoding) {
    if (prepared.br && accepts(acceptEncoding, 'br')) return { body: prepared.br, encoding: 'br', etag: prepared.brEtag! };
    if (prepared.gzip && accepts(acceptEncoding, 'gzip')) return { body: prepared.gzip, encoding: 'gzip', etag: prepared.gzipEtag! };
  }
  return { body: prepared.body, encoding: null, etag: prepared.etag };
}

/**
 * sendPrepared for a response no middleware has touched (the fast lane): the same answer, written
 * with one writeHead of a flat header list (`fixed` first: headers every such answer carries), which
 * skips the per-header bookkeeping of setHeader.
 */
export function writePrepared(req: IncomingMessage, res: ServerResponse, prepared: Prepared, fixed: readonly string[]): 200 | 304 {
  // The representation is selected first: If-None-Match is compared with the selected one's ETag.
  const { body, encoding, etag } = pickEncoding(req, prepared);
  const lists = headerLists(prepared, fixed, encoding);
  if (notModified(req.headers, etag)) {
    res.writeHead(304, lists.notModified);
    res.end();
    return 304;
  }
  res.writeHead(200, lists.ok);
  res.end(body);
  return 200;
}

/** The flat header lists of one prepared response, per fixed header set and coding, built once. */
const lists = new WeakMap<Prepared, WeakMap<readonly string[], Map<string, { ok: string[]; notModified: string[] }>>>();
function headerLists(prepared: Prepared, fixed: readonly string[], encoding: 'br' | 'gzip' | null): { ok: string[]; notModified: string[] } {
  let byFixed = lists.get(prepared);
  if (!byFixed) lists.set(prepared, (byFixed = new WeakMap()));
  let byCoding = byFixed.get(fixed);
  if (!byCoding) byFixed.set(fixed, (byCoding = new Map()));
  const key = encoding ?? 'identity';
  let made = byCoding.get(key);
  if (!made) {
    const body = encoding === 'br' ? prepared.br! : encoding === 'gzip' ? prepared.gzip! : prepared.body;
    const etag = encoding === 'br' ? prepared.brEtag! : encoding === 'gzip' ? prepared.gzipEtag! : prepared.etag;
    const notModified = [...fixed, ...prepared.headers.flat(), 'ETag', etag];
    const ok = [...notModified, ...(encoding ? ['Content-Encoding', encoding] : []), 'Content-Length', String(body.length)];
    byCoding.set(key, (made = { ok, notModified }));
  }
  return made;
}

/** Sends a prepared response: 304 when the client's copy is current, else the best encoding it accepts. */
export function sendPrepared(req: IncomingMessage, res: ServerResponse, prepared: Prepared, status = 200): void {
  for (const [name, value] of prepared.headers) res.setHeader(name, value);
  const { body, encoding, etag } = pickEncoding(req, prepared);
  res.setHeader('ETag', etag);
  if (status === 200 && notModified(req.headers, etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  res.statusCode = status;
  res.end(body);
}
