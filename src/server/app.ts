// The express app: request logs, metrics, security headers, the routes, and JSON errors for
// everything else (405 with Allow for a known path, 404 otherwise). The catalog is read through
// `current()` per request, so a reload swaps it without touching the app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pino, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { classifyRouter } from './api/classify.ts';
import { exportsRouter } from './api/exports.ts';
import { typesRouter, type StateRef } from './api/types.ts';
import { jsonErrors, notFound, onlyMethods } from './errors.ts';
import { Metrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { opsRouter } from './ops.ts';
import { htmlNotFound, PAGES } from './pages/index.ts';
import { prepare, sendPrepared, type Prepared } from './prepared.ts';

/** Every path the app answers and its methods (HEAD comes with GET); the OpenAPI test checks this list. */
export const API_ROUTES: Array<{ path: string; methods: string[] }> = [
  { path: '/v1/catalog', methods: ['GET', 'HEAD'] },
  { path: '/v1/types', methods: ['GET', 'HEAD'] },
  { path: '/v1/types/:id', methods: ['GET', 'HEAD'] },
  { path: '/v1/types/:id/logo.svg', methods: ['GET', 'HEAD'] },
  { path: '/v1/types/:id/config-schema', methods: ['GET', 'HEAD'] },
  { path: '/v1/types/:id/docs', methods: ['GET', 'HEAD'] },
  { path: '/v1/media-types', methods: ['GET', 'HEAD'] },
  { path: '/v1/media-types/*mediaType', methods: ['GET', 'HEAD'] },
  { path: '/v1/exports/:format', methods: ['GET', 'HEAD'] },
  { path: '/v1/classify', methods: ['POST'] },
  { path: '/healthz', methods: ['GET', 'HEAD'] },
  { path: '/readyz', methods: ['GET', 'HEAD'] },
  { path: '/metrics', methods: ['GET', 'HEAD'] },
  { path: '/openapi.json', methods: ['GET', 'HEAD'] },
];

export function allRoutes(): Array<{ path: string; methods: string[] }> {
  return [...API_ROUTES, ...PAGES.flatMap((p) => p.routes.map((path) => ({ path, methods: ['GET', 'HEAD'] })))];
}

export interface AppOptions {
  /** The catalog build to answer from, read once per request. */
  current: StateRef;
  logger?: Logger;
  metrics?: Metrics;
  /** True while shutting down: readiness fails and connections are not kept alive. */
  isDraining?: () => boolean;
  /** Passed to page modules (e.g. a registry URL for a /registry page). */
  pageOptions?: Record<string, unknown>;
  /** Behind a TLS-terminating proxy: believe its `X-Forwarded-Proto: https` (for Strict-Transport-Security). */
  trustProxy?: boolean;
}

/** What helmet 8 sends by default; sent only on requests that came over TLS (RFC 6797 §7.2). */
export const HSTS = 'max-age=31536000; includeSubDomains';

type EdgeRequest = { url?: string; socket?: unknown; headers?: IncomingMessage['headers'] };

/** Whether the request came over TLS: our own socket, or a trusted proxy's X-Forwarded-Proto. */
export function cameOverTls(req: EdgeRequest, trustProxy: boolean): boolean {
  if ((req.socket as { encrypted?: boolean } | undefined)?.encrypted) return true;
  if (!trustProxy) return false;
  const proto = req.headers?.['x-forwarded-proto'];
  // The first hop's value: the proxy nearest the client appends first.
  return typeof proto === 'string' && proto.split(',')[0]!.trim().toLowerCase() === 'https';
}

/** The middleware the express app and the fast lane share, so both log, count and secure alike. */
export interface SharedParts {
  current: StateRef;
  logger: Logger;
  metrics: Metrics;
  isDraining: () => boolean;
  logRequest: HttpLogger<IncomingMessage, ServerResponse>;
  /** The same "request completed" line for an answer already written in full (the fast lane), without
   * pino-http's per-request child logger and finish listeners: a third of a fast-lane request's CPU. */
  logAnswered(req: IncomingMessage, statusCode: number, startedAt: number): void;
  securityHeaders: ReturnType<typeof helmet>;
  /** CORS for the public read-only API, HSTS over TLS only, and Connection: close while draining. */
  edgeHeaders(req: EdgeRequest, res: ServerResponse): void;
  trustProxy: boolean;
}

/** The message of a request's access line, from pino-http and the fast lane alike. */
export const ACCESS_LINE = 'request completed';

/** A request's fields in the request log, for pino-http's serializer and the fast lane alike. */
function requestFields(req: { id?: unknown; method?: string; url?: string; headers: IncomingMessage['headers'] }, id: unknown = req.id) {
  return { id, method: req.method, url: String(req.url).slice(0, 512), userAgent: String(req.headers['user-agent'] ?? '').slice(0, 200) };
}

export function sharedParts(options: AppOptions): SharedParts {
  const logger = options.logger ?? pino({ enabled: false });
  const isDraining = options.isDraining ?? (() => false);
  const trustProxy = options.trustProxy ?? false;
  // One sequence of request ids for both paths (pino-http's default generator, shared).
  let lastId = 0;
  const nextId = () => (lastId = (lastId + 1) & 0x7fffffff);
  return {
    logAnswered(req, statusCode, startedAt) {
      if (!logger.isLevelEnabled('info')) return;
      logger.info({ req: requestFields(req, nextId()), res: { statusCode }, responseTime: Date.now() - startedAt }, ACCESS_LINE);
    },
    trustProxy,
    current: options.current,
    logger,
    metrics: options.metrics ?? new Metrics(),
    isDraining,
    logRequest: pinoHttp({
      logger,
      // Our serializers read the raw objects: pino-http's wrappers would first copy every header.
      wrapSerializers: false,
      genReqId: (req) => req.id ?? nextId(),
      customSuccessMessage: () => ACCESS_LINE,
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: IncomingMessage & { id: unknown }) => requestFields(req),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    }),
    securityHeaders: helmet({
      // Sent by edgeHeaders, and only over TLS: on plain HTTP the header is meaningless (RFC 6797 §8.1).
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null, 'img-src': ["'self'", 'data:'] } },
    }),
    edgeHeaders(req, res) {
      // The catalog is public and read-only: any origin may read the API.
      const url = req.url ?? '';
      if (url.startsWith('/v1/') || url.startsWith('/openapi.json')) res.setHeader('Access-Control-Allow-Origin', '*');
      if (cameOverTls(req, trustProxy)) res.setHeader('Strict-Transport-Security', HSTS);
      if (isDraining()) res.setHeader('Connection', 'close');
    },
  };
}

export function createApp(options: AppOptions, parts: SharedParts = sharedParts(options)): Express {
  const { current, metrics, isDraining } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // our ETags are computed once per build, not per response
  app.set('query parser', 'simple');

  app.use(parts.logRequest);
  app.use(metrics.middleware());
  app.use(parts.securityHeaders);
  app.use((req, res, next) => {
    parts.edgeHeaders({ url: req.originalUrl, socket: req.socket, headers: req.headers }, res);
    next();
  });

  // OPTIONS first: the routers below would otherwise answer it with express's plain-text default.
  for (const route of allRoutes()) app.options(route.path, onlyMethods(route.methods));
  app.use(typesRouter(current));
  app.use(classifyRouter(current));
  app.use(exportsRouter(current));
  app.use(opsRouter(current, metrics, isDraining));
  let openapi: { version: string; prepared: Promise<Prepared> } | null = null;
  app.get('/openapi.json', async (req, res) => {
    const version = current().catalog.version;
    if (!openapi || openapi.version !== version) openapi = { version, prepared: prepare(openApiDocument(version), { type: 'application/json; charset=utf-8', cacheControl: 'public, max-age=300' }) };
    sendPrepared(req, res, await openapi.prepared);
  });
  for (const page of PAGES) app.use(page.router({ current, options: options.pageOptions ?? {} }));

  for (const route of allRoutes()) app.all(route.path, onlyMethods(route.methods));
  app.use(notFound);
  app.use(htmlNotFound(current));
  app.use(jsonErrors);
  return app;
}
