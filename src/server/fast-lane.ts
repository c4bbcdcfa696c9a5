// The fast lane: GET/HEAD of /v1/catalog and /v1/types/{id} answered straight from the prepared
// response, skipping express's router (the bulk of a request's CPU time). It runs the same request
// logger, metrics, helmet and edge headers as the app, and handles only exact hits: anything else
// (a query string, an alias, an unknown id, a response not yet prepared) goes to express.
// test/server/fast-lane.test.ts checks that both answer with the same headers and bodies.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createApp, sharedParts, type AppOptions, type SharedParts } from './app.ts';
import { sendPrepared, type Prepared } from './prepared.ts';

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

function serveFast(parts: SharedParts, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const found = hit(parts, req.url ?? '');
  if (!found) return false;
  parts.logRequest(req, res);
  parts.metrics.track(req, res, found.route);
  parts.metrics.fastLane++;
  // helmet with a fixed configuration only sets headers, synchronously.
  parts.securityHeaders(req, res, () => undefined);
  parts.edgeHeaders(req, res);
  sendPrepared(req, res, found.prepared);
  return true;
}

/** The server's request listener: the fast lane, then the express app. */
export function createRequestListener(options: AppOptions & { fastLane?: boolean }): RequestListener {
  const parts = sharedParts(options);
  const app = createApp(options, parts);
  if (options.fastLane === false) return app;
  return (req, res) => {
    if (!serveFast(parts, req, res)) app(req, res);
  };
}
