// Checks definition folders on every core. Each folder is one job with a time bound: a worker that
// exceeds it (or dies) is replaced and the folder gets a checker/timeout (or checker/crash) finding.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { hydrate, type PlainJsonSource } from '../catalog/json-source.ts';
import { displayPath } from '../catalog/load.ts';
import type { Finding } from '../model/finding.ts';
import type { CheckedDefinition } from './context.ts';
import type { FolderJob } from './worker.ts';
import path from 'node:path';

export interface FolderResult {
  checked: CheckedDefinition;
  findings: Finding[];
}

export interface PoolOptions {
  workers?: number;
  /** Per-folder time bound. */
  timeoutMs?: number;
  /** Per-worker heap bound. */
  maxHeapMb?: number;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;
// Workers are plain threads: register the TypeScript loader in each before importing the body.
const BOOTSTRAP = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

function failed(root: string, id: string, rule: string, message: string): FolderResult {
  const dir = displayPath(path.join(root, id));
  return {
    checked: { source: { id, dir, entries: [], definition: null, logo: null, configSchema: null, readme: null, examples: [], findings: [] }, definition: null, entry: null },
    findings: [{ rule, severity: 'error', file: dir, line: 0, column: 0, message, fix: 'make the folder\'s files smaller and simpler (see the limits in CONTRIBUTING.md)' }],
  };
}

function revive(result: FolderResult): FolderResult {
  const source = result.checked.source as unknown as Record<string, unknown> & { definition: PlainJsonSource | null; configSchema: PlainJsonSource | null; examples: Array<{ source: PlainJsonSource }> };
  source.definition = source.definition && hydrate(source.definition);
  source.configSchema = source.configSchema && hydrate(source.configSchema);
  for (const example of source.examples) example.source = hydrate(example.source);
  return result;
}

/** One per core: more workers cost more CPU in start-up and contention than they win in overlap. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}

export async function checkFoldersInPool(root: string, jobs: Array<{ id: string; full: boolean }>, options: PoolOptions = {}): Promise<FolderResult[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const results = new Map<string, FolderResult>();
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve) => {
      let worker: Worker;
      let current: FolderJob | null = null;
      let timer: NodeJS.Timeout | undefined;
      const start = () => {
        worker = new Worker(BOOTSTRAP, { eval: true, resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 } });
        worker.on('message', (message: FolderResult & { id: string }) => {
          clearTimeout(timer);
          results.set(message.id, revive(message));
          dispatch();
        });
        worker.on('error', (error: Error) => replace('checker/crash', `checking this folder crashed the checker's worker: ${error.message}`));
        worker.on('exit', (code) => {
          if (current) replace('checker/crash', `checking this folder stopped the checker's worker (exit code ${code})`);
        });
      };
      const replace = (rule: string, message: string) => {
        clearTimeout(timer);
        const job = current;
        current = null;
        worker.removeAllListeners();
        void worker.terminate();
        if (job) results.set(job.id, failed(root, job.id, rule, message));
        start();
        dispatch();
      };
      const dispatch = () => {
        if (next >= jobs.length) {
          current = null;
          worker.removeAllListeners();
          void worker.terminate().then(() => resolve());
          return;
        }
        const job = jobs[next++]!;
        current = { root, ...job };
        timer = setTimeout(() => replace('checker/timeout', `checking this folder took longer than ${timeoutMs / 1000} s`), timeoutMs);
        worker.postMessage(current);
      };
      start();
      dispatch();
    });
  const count = Math.min(options.workers ?? defaultWorkerCount(), Math.max(jobs.length, 1));
  await Promise.all(Array.from({ length: count }, runWorker));
  return jobs.map((job) => results.get(job.id)!);
}
