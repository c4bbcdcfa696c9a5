// POST /v1/classify: an OCI/Docker manifest or index (or { manifest, config }) → the type, how it
// matched, and conformance findings. The body is parsed strictly (duplicate and prototype keys
// rejected, positions reported) and never stored: the route is read-only.
import express, { Router, type Request } from 'express';
import { classify } from '../../classify/index.ts';
import { parseJsonSource } from '../../catalog/json-source.ts';
import { HttpError } from '../errors.ts';
import type { StateRef } from './types.ts';

/** The distribution-spec manifest limit that distribution and zot use. */
export const MAX_BODY = 4 * 1024 * 1024;

export const CLASSIFY_CONTENT_TYPES = [
  'application/json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkContentType(req: Request): void {
  const header = req.headers['content-type'];
  if (!header) throw new HttpError(415, 'unsupported-media-type', `send Content-Type: application/json (or an OCI/Docker manifest media type)`);
  const [essence = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (!CLASSIFY_CONTENT_TYPES.includes(essence)) {
    throw new HttpError(415, 'unsupported-media-type', `Content-Type ${essence.slice(0, 100) || '(empty)'} is not accepted; use one of ${CLASSIFY_CONTENT_TYPES.join(', ')}`);
  }
  const charset = params.find((p) => p.startsWith('charset='));
  if (charset && !/^charset="?utf-8"?$/.test(charset)) throw new HttpError(415, 'unsupported-charset', `${charset} is not accepted; send UTF-8`);
}

/** The wrapper form's fields: the manifest, its config blob, and where it came from. */
const WRAPPER_FIELDS = new Set(['manifest', 'config', 'tag', 'referrersOf']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ manifest, config }` rather than a manifest: it has a manifest object and none of a manifest's own fields. */
function isWrapper(value: Record<string, unknown>): boolean {
  return isObject(value.manifest) && !('layers' in value) && !('manifests' in value) && !('schemaVersion' in value) && !('mediaType' in value);
}

export function classifyRouter(current: StateRef): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY });
  router.post(
    '/v1/classify',
    (req, _res, next) => {
      checkContentType(req);
      next();
    },
    raw,
    (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (bytes.length === 0) throw new HttpError(400, 'empty-body', 'the body is empty; send a manifest as JSON');
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        throw new HttpError(400, 'invalid-utf8', 'the body is not valid UTF-8');
      }
      const parsed = parseJsonSource({ file: 'request body', text });
      const problem = parsed.findings[0];
      if (!parsed.ok || problem) {
        const where = `${problem!.line}:${problem!.column}`;
        throw new HttpError(400, problem!.rule === 'json/syntax' ? 'malformed-json' : 'unsafe-json', `request body ${where}: ${problem!.message}`, {}, { line: problem!.line, column: problem!.column });
      }
      const value = parsed.source.value;
      let manifest = value;
      let config: unknown;
      let prefix = '';
      const context: { tag?: string; referrersOf?: string } = {};
      if (isObject(value) && isWrapper(value)) {
        const extra = Object.keys(value).find((k) => !WRAPPER_FIELDS.has(k));
        if (extra) throw new HttpError(400, 'not-a-manifest', `unknown field /${extra}: the wrapper form takes only "manifest", "config", "tag" and "referrersOf"`, {}, { pointer: `/${extra}` });
        for (const field of ['tag', 'referrersOf'] as const) {
          if (value[field] !== undefined && typeof value[field] !== 'string') throw new HttpError(400, 'not-a-manifest', `/${field} must be a string`, {}, { pointer: `/${field}` });
        }
        manifest = value.manifest;
        config = value.config;
        if (typeof value.tag === 'string') context.tag = value.tag;
        if (typeof value.referrersOf === 'string') context.referrersOf = value.referrersOf;
        prefix = '/manifest';
      }
      const state = current();
      const result = classify(state.lookup, manifest, { config, validateConfig: state.validateConfig, ...context });
      if (result.error) {
        const pointer = `${prefix}${result.error.pointer}`;
        // Unreadable for classification, but every image-spec violation is still reported (pointers inside the manifest).
        throw new HttpError(400, 'not-a-manifest', `${pointer || '(the body)'}: ${result.error.message}`, {}, { pointer, validation: result.validation });
      }
      // Written directly: res.json() costs more than classifying (content-type and charset handling).
      const body = JSON.stringify(result);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.end(body);
    },
  );
  return router;
}
