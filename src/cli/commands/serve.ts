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
  watch?: boolean;
  workers: string;
}

function integer(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return Number(value);
}

async function serveOne(options: ServeOptions, port: number): Promise<void> {
  const { startServer } = await import('../../server/index.ts');
  let running;
  try {
    running = await startServer({ host: options.host, port, root: options.root, catalogFile: options.catalog, watch: options.watch });
  } catch (error) {
    if (error instanceof CatalogError) {
      if (error.findings.length > 0) process.stderr.write(formatText(error.findings, 0));
      fail(`refusing to start: ${error.message}`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') fail(`cannot listen on ${options.host}:${port}: ${code}`);
    throw error;
  }
  process.on('SIGHUP', () => void running.reload());
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('message', (message) => {
    if (message === 'reload') void running.reload();
    if (message === 'shutdown') stop();
  });
}

/** The primary checks the catalog once (so a bad one is refused with its findings), then forks. */
async function serveCluster(options: ServeOptions, port: number, workers: number): Promise<void> {
  const { loadFromFile, loadFromRoot } = await import('../../server/index.ts');
  try {
    await (options.catalog ? loadFromFile(options.catalog) : loadFromRoot(options.root))();
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    if (error.findings.length > 0) process.stderr.write(formatText(error.findings, 0));
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
    .option('--watch', 'reload when files change (development)')
    .addOption(new Option('--workers <n>', 'processes sharing the port (node:cluster)').env('WORKERS').default('1'))
    .action(async (options: ServeOptions) => {
      const port = integer(options.port, 'port', 0, 65535);
      const workers = integer(options.workers, 'workers', 1, 64);
      if (workers > 1 && cluster.isPrimary) await serveCluster(options, port, workers);
      else await serveOne(options, port);
    });
}
