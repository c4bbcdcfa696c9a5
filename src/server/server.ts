// The HTTP server around the app: explicit timeouts, JSON answers for requests the parser rejects,
// atomic catalog reloads (the new build is swapped in only when it loads and passes the checker),
// an optional file watcher, and a draining close.
import { watch, type FSWatcher } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { CatalogError } from '../catalog/load-catalog.ts';
import type { Catalog } from '../model/catalog.ts';
import { location } from '../report/text.ts';
import { ACCESS_LINE } from './app.ts';
import { createRequestListener } from './fast-lane.ts';
import { onClientError, onConnect, onExpectation, requireHost } from './errors.ts';
import { loadFromFile, loadFromMemory, loadFromRoot, type CatalogLoader } from './load.ts';
import { Metrics } from './metrics.ts';
import { buildState, warmResponses, type CatalogState } from './state.ts';

export interface Timeouts {
  /** Whole request (headers and body) must arrive within this. */
  requestMs: number;
  /** Headers must arrive within this (cuts slow-header clients). */
  headersMs: number;
  /** Idle keep-alive connections close after this. */
  keepAliveMs: number;
  /** How often Node checks the two above. */
  checkIntervalMs: number;
  /** close(): in-flight requests get this long before connections are cut. */
  drainMs: number;
  /** A connection with no bytes moving either way for this long is closed: a client that stops reading an answer cannot hold it forever. */
  idleMs: number;
}

/** How the request log is batched: written when this many bytes wait, or this often. */
export const LOG_BATCH = { bytes: 4096, everyMs: 1000 };

export const DEFAULT_TIMEOUTS: Timeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000, checkIntervalMs: 1_000, drainMs: 10_000, idleMs: 60_000 };

export interface ServerOptions {
  /** Serve this catalog (e.g. pulled from a registry); logos and docs optional. */
  catalog?: Catalog;
  logos?: ReadonlyMap<string, string>;
  docs?: ReadonlyMap<string, string>;
  /** Build from this definitions directory (checked; errors refuse). Default when nothing else is given: definitions/. */
  root?: string;
  /** Serve a prebuilt catalog.json (with logos/ beside it). */
  catalogFile?: string;
  /** Or any loader; reload() calls it again. */
  load?: CatalogLoader;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Reload when files under root (or the catalog file's folder) change. */
  watch?: boolean;
  /** A pino logger, or false for none. Default: JSON lines on stdout. */
  logger?: Logger | false;
  timeouts?: Partial<Timeouts>;
  /** Handed to page modules. */
  pageOptions?: Record<string, unknown>;
  /** Answer prepared GETs before express (default true); false sends everything through express. */
  fastLane?: boolean;
  /** Behind a TLS-terminating proxy: believe its X-Forwarded-Proto (Strict-Transport-Security is sent over TLS only). */
  trustProxy?: boolean;
}

export interface RunningServer {
  url: string;
  server: http.Server;
  /** Loads again; swaps only on success. Resolves false (and logs why) when the old catalog stays. */
  reload(): Promise<boolean>;
  /** Stops accepting, lets in-flight requests finish (up to drainMs), then resolves. */
  close(): Promise<void>;
  /** The build being served now. */
  state(): CatalogState;
}

function loaderFor(options: ServerOptions): CatalogLoader {
  if (options.load) return options.load;
  if (options.catalog) return loadFromMemory(options.catalog, { logos: options.logos, docs: options.docs });
  if (options.catalogFile) return loadFromFile(options.catalogFile);
  return loadFromRoot(options.root ?? 'definitions');
}

function describeFailure(error: unknown): Record<string, unknown> {
  if (error instanceof CatalogError) return { message: error.message, findings: error.findings.slice(0, 50).map((f) => `${location(f)} ${f.rule} ${f.message}`) };
  return { message: error instanceof Error ? error.message : String(error) };
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  // Asynchronous, batched writes: a request never waits on the log's write(2), and access lines go
  // out 4 KiB at a time (at least once a second; pino flushes the rest on exit) rather than one
  // thread-pool write per request. Every other line (serving, reloads, warnings) is flushed at once.
  const logger =
    options.logger === false
      ? pino({ enabled: false })
      : (options.logger ??
        pino(
          {
            name: 'artifact-types',
            hooks: {
              logMethod(args, method) {
                method.apply(this, args);
                if (args.at(-1) !== ACCESS_LINE) this.flush();
              },
            },
          },
          pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH.bytes, periodicFlush: LOG_BATCH.everyMs }),
        ));
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const load = loaderFor(options);
  let state = await buildState(await load());
  const warm = (built: CatalogState) => void warmResponses(built).catch((error: unknown) => logger.warn({ err: error }, 'preparing responses failed'));
  warm(state);
  let draining = false;
  const metrics = new Metrics();
  const listener = createRequestListener({ current: () => state, logger, metrics, isDraining: () => draining, pageOptions: options.pageOptions, fastLane: options.fastLane, trustProxy: options.trustProxy });

  // requireHostHeader off: requireHost answers a missing Host itself, in JSON rather than Node's empty 400.
  const server = http.createServer({ requestTimeout: timeouts.requestMs, headersTimeout: timeouts.headersMs, keepAliveTimeout: timeouts.keepAliveMs, connectionsCheckingInterval: timeouts.checkIntervalMs, maxHeaderSize: 16 * 1024, requireHostHeader: false }, requireHost(listener));
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.setTimeout(timeouts.idleMs); // no 'timeout' listener: Node destroys the idle socket
  server.on('clientError', onClientError);
  server.on('checkExpectation', onExpectation);
  server.on('connect', onConnect);

  let reloading: Promise<boolean> = Promise.resolve(true);
  const reload = (): Promise<boolean> => {
    // One reload at a time; each builds a complete state before the single assignment that swaps it.
    reloading = reloading.then(async () => {
      try {
        const next = await buildState(await load());
        state = next;
        warm(next);
        metrics.reloads.ok++;
        logger.info({ types: next.catalog.types.length, version: next.catalog.version, digest: next.catalog.digest }, 'catalog reloaded');
        return true;
      } catch (error) {
        metrics.reloads.failed++;
        logger.error({ reload: describeFailure(error) }, 'catalog reload failed; still serving the previous catalog');
        return false;
      }
    });
    return reloading;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let watcher: FSWatcher | null = null;
  if (options.watch) {
    const dir = options.catalogFile ? path.dirname(path.resolve(options.catalogFile)) : path.resolve(options.root ?? 'definitions');
    let timer: NodeJS.Timeout | null = null;
    watcher = watch(dir, { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void reload(), 300);
    });
    watcher.on('error', (error) => logger.warn({ err: error }, 'file watcher stopped'));
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      draining = true;
      watcher?.close();
      const force = setTimeout(() => server.closeAllConnections(), timeouts.drainMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  logger.info({ url, types: state.catalog.types.length, version: state.catalog.version, source: state.source }, 'serving');
  return { url, server, reload, close, state: () => state };
}
