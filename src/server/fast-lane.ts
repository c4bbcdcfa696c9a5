// The fast lane: GET/HEAD of /v1/catalog and /v1/types/{id} answered straight from the prepared
// response, skipping express's router (the bulk of a request's CPU time). It runs the same request
// logger, metrics, helmet and edge headers as the app, and handles only exact hits: anything else
// (a query string, an alias, an unknown id, a response not yet prepared) goes to express.
// test/server/fast-lane.test.ts checks that both answer with the same headers and bodies.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { cameOverTls, createApp, sharedParts, type AppOptions, type SharedParts } from './app.ts';
import { writePrepared, type Prepared } from './prepared.ts';

const TYPES = '/v1/types/';
const ID = /^[a-z0-9][a-z0-9.-]{0,199}$/;

function hit(parts: SharedParts, url: string): { prepared: Prepared; route: string } | null {
  const state = parts.current();
  if (url === '/v1/catalog') return { prepared: state.catalogResponse, route: '/v1/catalog' };
  if (url.startsWith(TYPES)) {
    const id = url.slice(TYPES.length);
    if (!ID.test(id)) return null;
    const prepared = state.readyTypeResponse(id);
    return prepared ? { prepared, route: '/v1/types/:id' } : null;
  }
  return null;
}

/**
 * The headers helmet and edgeHeaders set on every fast-lane answer, recorded once: helmet with a
 * fixed configuration sets the same headers whatever the request (test/server/fast-lane.test.ts
 * compares every header with the express route's).
 */
export function fixedHeaders(parts: SharedParts, req: IncomingMessage, draining: boolean, tls: boolean): string[] {
  const recorded = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => recorded.set(name, String(value)),
    removeHeader: (name: string) => recorded.delete(name),
    getHeader: (name: string) => recorded.get(name),
  } as unknown as ServerResponse;
  parts.securityHeaders(req, recorder, () => undefined);
  parts.edgeHeaders({ url: '/v1/', socket: { encrypted: tls } }, recorder);
  if (draining) recorded.set('Connection', 'close');
  return [...recorded].flat();
}

function serveFast(parts: SharedParts, fixed: Array<string[] | undefined>, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const found = hit(parts, req.url ?? '');
  if (!found) return false;
  const startedAt = Date.now();
  parts.metrics.fastLane++;
  const draining = parts.isDraining();
  const tls = cameOverTls(req, parts.trustProxy);
  // Four header sets at most: open or draining, over TLS or not.
  const headers = (fixed[(draining ? 2 : 0) + (tls ? 1 : 0)] ??= fixedHeaders(parts, req, draining, tls));
  const status = writePrepared(req, res, found.prepared, headers);
  parts.metrics.countWritten(req.method, found.route, status);
  parts.logAnswered(req, status, startedAt);
  return true;
}

/** The server's request listener: the fast lane, then the express app. */
export function createRequestListener(options: AppOptions & { fastLane?: boolean }): RequestListener {
  const parts = sharedParts(options);
  const app = createApp(options, parts);
  if (options.fastLane === false) return app;
  const fixed: Array<string[] | undefined> = [];
  return (req, res) => {
    if (!serveFast(parts, fixed, req, res)) app(req, res);
  };
}
