// `artifact-types serve` (npm start): the HTTP API and catalog page. Refuses to start on a catalog
// with errors (printing them); SIGHUP reloads (swapping only a catalog that passes), SIGTERM drains
// and exits 0. --workers N runs N processes on the same port with node:cluster.
import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { CatalogError } from '../../catalog/load-catalog.ts';
import { formatText } from '../../report/text.ts';
import { fail, UsageError } from '../io.ts';

interface ServeOptions {
  host: string;
  port: string;
  root: string;
  catalog?: string;
  catalogFrom?: string;
  registry?: string;
  username?: string;
  password?: string;
  watch?: boolean;
  trustProxy?: boolean;
  workers: string;
}

/**
 * Where the catalog comes from: --catalog-from (pulled from a registry and verified, pulled again
 * on reload), --catalog (a prebuilt catalog.json), or definitions/ (checked). Composed here, at the
 * edge, because the server does not depend on the registry client.
 */
async function catalogLoader(options: ServeOptions) {
  const { loadFromFile, loadFromMemory, loadFromRoot } = await import('../../server/index.ts');
  if (options.catalog && options.catalogFrom) throw new UsageError('give --catalog or --catalog-from, not both');
  if (options.catalogFrom) {
    const { credentialsFrom, fetchCatalog } = await import('../../registry/index.ts');
    const reference = options.catalogFrom;
    const credentials = credentialsFrom(options);
    return async () => {
      const fetched = await fetchCatalog(reference, { credentials });
      const logos = new Map([...fetched.logos].map(([id, svg]) => [id, svg.toString('utf8')]));
      return { ...(await loadFromMemory(fetched.catalog, { logos })()), source: `${reference}@${fetched.digest}` };
    };
  }
  return options.catalog ? loadFromFile(options.catalog) : loadFromRoot(options.root);
}

/** The /registry page's options: the registry given with --registry, listed with the served catalog. */
async function registryPage(options: ServeOptions, current: () => Promise<import('../../model/catalog.ts').Catalog>) {
  if (!options.registry) return undefined;
  const { credentialsFrom, listRegistry, parseRegistry } = await import('../../registry/index.ts');
  parseRegistry(options.registry); // a usage error now, not at the first page view
  const credentials = credentialsFrom(options);
  const url = options.registry;
  return { url, list: async () => listRegistry(url, await current(), { credentials, logoUrl: (id: string) => `/v1/types/${id}/logo.svg` }) };
}

function integer(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return Number(value);
}

async function serveOne(options: ServeOptions, port: number): Promise<void> {
  const { startServer } = await import('../../server/index.ts');
  let running: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const load = await catalogLoader(options);
    const registry = await registryPage(options, async () => running!.state().catalog);
    running = await startServer({ host: options.host, port, load, root: options.root, catalogFile: options.catalog, watch: options.watch, pageOptions: { registry }, trustProxy: options.trustProxy === true });
  } catch (error) {
    if (error instanceof CatalogError) {
      if (error.findings.length > 0) process.stderr.write(formatText(error.findings));
      fail(`refusing to start: ${error.message}`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') fail(`cannot listen on ${options.host}:${port}: ${code}`);
    throw error;
  }
  const server = running;
  process.on('SIGHUP', () => void server.reload());
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('message', (message) => {
    if (message === 'reload') void server.reload();
    if (message === 'shutdown') stop();
  });
}

/** The primary checks the catalog once (so a bad one is refused with its findings), then forks. */
async function serveCluster(options: ServeOptions, port: number, workers: number): Promise<void> {
  try {
    await (await catalogLoader(options))();
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    if (error.findings.length > 0) process.stderr.write(formatText(error.findings));
    fail(`refusing to start: ${error.message}`);
  }
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`artifact-types: worker ${worker.process.pid} exited (${code}); starting another\n`);
    cluster.fork();
  });
  const each = (message: string) => Object.values(cluster.workers ?? {}).forEach((w) => w?.send(message));
  process.on('SIGHUP', () => each('reload'));
  const stop = () => {
    stopping = true;
    each('shutdown');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  void port;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API and the catalog page (built from definitions/, or a prebuilt catalog.json).')
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').env('PORT').default('8080'))
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .option('--catalog <file>', 'serve a prebuilt catalog.json (logos from logos/ beside it) instead of building')
    .option('--catalog-from <reference>', 'serve the catalog artifact pulled from a registry (registry/repository:tag or @digest), verified; SIGHUP pulls again')
    .option('--registry <url>', 'enable the /registry page, listing this registry with every artifact named')
    .option('--username <name>', 'registry user for --catalog-from and --registry (or ARTIFACT_TYPES_REGISTRY_USERNAME)')
    .option('--password <password>', 'registry password (or ARTIFACT_TYPES_REGISTRY_PASSWORD)')
    .option('--watch', 'reload when files change (development)')
    .addOption(new Option('--trust-proxy', 'behind a TLS-terminating proxy: believe its X-Forwarded-Proto (Strict-Transport-Security goes only to requests that came over TLS)').env('TRUST_PROXY'))
    .addOption(new Option('--workers <n>', 'processes sharing the port (node:cluster)').env('WORKERS').default('1'))
    .action(async (options: ServeOptions) => {
      const port = integer(options.port, 'port', 0, 65535);
      const workers = integer(options.workers, 'workers', 1, 64);
      if (workers > 1 && cluster.isPrimary) await serveCluster(options, port, workers);
      else await serveOne(options, port);
    });
}
