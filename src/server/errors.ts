// Every error the server sends is JSON { error: { code, message } } with the right status, never a
// stack trace: thrown HttpErrors, body-parser errors, bad URLs, unknown paths and methods.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): string {
  return JSON.stringify({ error: { code, message, ...details } });
}

/** What body-parser and the router throw, by their `type`, as codes clients can act on. */
const KNOWN: Record<string, { code: string; message: string }> = {
  'entity.too.large': { code: 'payload-too-large', message: 'the request body is larger than the 4 MiB limit (the OCI distribution-spec manifest limit)' },
  'encoding.unsupported': { code: 'unsupported-content-encoding', message: 'unsupported Content-Encoding; send the body uncompressed, gzip or deflate' },
  'charset.unsupported': { code: 'unsupported-charset', message: 'unsupported charset; send UTF-8' },
  'request.aborted': { code: 'request-aborted', message: 'the client closed the connection before the body was complete' },
  'request.size.invalid': { code: 'bad-request', message: 'the body length does not match Content-Length' },
  'stream.encoding.set': { code: 'bad-request', message: 'the body could not be read' },
};

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const known = e.type ? KNOWN[e.type] : undefined;
    if (known) return new HttpError(status, known.code, known.message);
    // The router's own 400 (a path that is not valid percent-encoding) and similar.
    if (e instanceof URIError || /decode/i.test(e.message ?? '')) return new HttpError(400, 'bad-path', 'the request path is not valid percent-encoded UTF-8');
    return new HttpError(status, 'bad-request', 'the request could not be processed');
  }
  return new HttpError(500, 'internal', 'internal error; it has been logged');
}

/** Bytes of a refused request's body read off before answering: twice the classify body limit. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * Calls `done` once the request body has been read off, up to DRAIN_LIMIT bytes. Answering a request
 * (415, 405) while its client is still uploading closes the socket under the upload, and the
 * client's TCP stack drops the answer on the reset that follows: it sees ECONNRESET, not the error.
 */
export function afterBody(req: IncomingMessage, done: () => void): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (!hasBody || req.complete || req.readableEnded || req.destroyed || req.socket.destroyed) return done();
  let seen = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    req.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
    done();
  };
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) finish();
  };
  req.on('data', onData).on('end', finish).on('error', finish).on('close', finish);
  req.resume();
}

export const jsonErrors: ErrorRequestHandler = (error, req, res, _next) => {
  const http = toHttpError(error);
  if (http.status >= 500) req.log?.error({ err: error }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  afterBody(req, () => sendError(res, http));
};

function sendError(res: Response, http: HttpError): void {
  if (res.headersSent || res.destroyed) return;
  // Reset what a route may have set for a successful answer.
  for (const name of ['Content-Encoding', 'ETag', 'Cache-Control', 'Content-Disposition', 'Vary']) res.removeHeader(name);
  for (const [name, value] of Object.entries(http.headers)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
  res.status(http.status).type('application/json').send(errorBody(http.code, http.message, http.details));
}

export const notFound: RequestHandler = (req) => {
  throw new HttpError(404, 'not-found', `no route ${req.method} ${req.path.slice(0, 200)}; see /openapi.json for the routes`);
};

/** For a route's other methods: 204 with Allow for OPTIONS, else 405 with Allow. */
export function onlyMethods(allow: string[]): RequestHandler {
  const header = allow.join(', ');
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', header);
      res.setHeader('Access-Control-Allow-Methods', header);
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, If-None-Match');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(204).end();
      return;
    }
    throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed here; use ${header}`, { Allow: header });
  };
}

/** Malformed requests the HTTP parser rejects before express sees them (too-long headers, bad syntax). */
const answered = new WeakSet<Socket>();
/** How long and how much an answered bad request's socket keeps being read, so the answer is not lost to a reset. */
const LINGER_MS = 2_000;

export function onClientError(error: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  // The parser reports every further chunk of a client still uploading: keep dropping them (bounded)
  // rather than closing, which would reset the connection and discard the answer on the client's side.
  if (answered.has(socket)) {
    if (socket.bytesRead > DRAIN_LIMIT) socket.destroy();
    return;
  }
  if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large', 'the request line and headers exceed 16 KiB; shorten the URL or headers']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'the request took too long to arrive']
        : [400, 'bad-request', 'the request is not valid HTTP/1.1'];
  const body = errorBody(code, message);
  socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** A JSON error for what Node would otherwise refuse with an empty body; the connection then closes. */
export function sendRawError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  afterBody(req, () => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(body);
  });
}

/** Node answers an HTTP/1.1 request without Host with an empty 400 (requireHostHeader); this answers it in JSON. */
export function requireHost(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.headers.host === undefined && req.httpVersion === '1.1') sendRawError(req, res, 400, 'missing-host', 'HTTP/1.1 requests need a Host header');
    else listener(req, res);
  };
}

/** An Expect other than 100-continue: Node's default is an empty 417. */
export function onExpectation(req: IncomingMessage, res: ServerResponse): void {
  sendRawError(req, res, 417, 'expectation-failed', 'only "Expect: 100-continue" is supported; drop the Expect header');
}

/** CONNECT: Node drops the socket without a word; this is not a proxy, so say so. */
export function onConnect(_req: IncomingMessage, socket: Socket): void {
  const body = errorBody('method-not-allowed', 'CONNECT is not allowed: this server is not a proxy');
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAllow: GET, HEAD, POST, OPTIONS\r\nConnection: close\r\n\r\n${body}`);
}
