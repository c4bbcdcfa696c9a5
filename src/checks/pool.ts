// Checks definition folders on every core. Each worker gets folders in batches (checked rule by rule
// across the batch, see checkDefinitionFolders), with the next batch already queued, and each folder
// has its own time bound. A worker that exceeds a bound or dies is replaced; the folders it held
// become suspects and are checked again one at a time, so only the folder that fails alone gets
// checker/timeout or checker/crash.
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { hydrate, type PlainJsonSource } from '../catalog/json-source.ts';
import { displayPath } from '../catalog/load.ts';
import type { Finding } from '../model/finding.ts';
import type { CheckedDefinition } from './context.ts';
import type { FolderBatch } from './worker.ts';

export interface FolderResult {
  checked: CheckedDefinition;
  findings: Finding[];
}

export interface PoolOptions {
  workers?: number;
  /** Folders per batch; by default up to 32, fewer for small catalogs so every worker gets a share. */
  batchSize?: number;
  /** Per-folder time bound. */
  timeoutMs?: number;
  /** Per-worker heap bound. */
  maxHeapMb?: number;
}

type Job = { id: string; full: boolean };

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;
// Workers are plain threads: register the TypeScript loader in each before importing the body.
// tsx is imported by its resolved URL: an eval'd worker resolves bare names from the working directory, which may be anywhere.
const TSX_API_URL = import.meta.resolve('tsx/esm/api');
const BOOTSTRAP = `import(${JSON.stringify(TSX_API_URL)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

function failed(root: string, id: string, rule: string, message: string): FolderResult {
  const dir = displayPath(path.join(root, id));
  return {
    checked: { source: { id, dir, entries: [], definition: null, logo: null, configSchema: null, readme: null, examples: [], findings: [] }, definition: null, entry: null },
    findings: [{ rule, severity: 'error', file: dir, line: 0, column: 0, message, fix: "make the folder's files smaller and simpler (see the limits in CONTRIBUTING.md)" }],
  };
}

function revive(result: FolderResult): FolderResult {
  const source = result.checked.source as unknown as Record<string, unknown> & { definition: PlainJsonSource | null; configSchema: PlainJsonSource | null; examples: Array<{ source: PlainJsonSource }> };
  source.definition = source.definition && hydrate(source.definition);
  source.configSchema = source.configSchema && hydrate(source.configSchema);
  for (const example of source.examples) example.source = hydrate(example.source);
  return result;
}

/** One per core: more workers cost more CPU in start-up and contention than they win. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}

/** Batches a worker holds at once: one being checked, the next waiting, so the worker never idles. */
const BATCHES_IN_FLIGHT = 2;

/**
 * Runs `queue` through `count` workers, each holding up to `inFlight` batches of `batchSize` folders.
 * Folders held by a worker that fails are pushed to `suspects` (or, when alone on it, reported as failed).
 */
function runQueue(root: string, queue: Job[], count: number, batchSize: number, inFlight: number, options: PoolOptions, results: Map<string, FolderResult>, suspects: Job[]): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      let worker: Worker;
      let ready = false;
      let batches = 0;
      const held = new Map<string, { job: Job; timer: NodeJS.Timeout }>();
      const start = () => {
        ready = false;
        worker = new Worker(BOOTSTRAP, { eval: true, resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 } });
        worker.on('message', (message: { results: Array<FolderResult & { id: string }> } | { ready: true }) => {
          if ('ready' in message) {
            ready = true;
            fill();
            return;
          }
          batches--;
          for (const result of message.results) {
            const entry = held.get(result.id);
            if (!entry) continue;
            clearTimeout(entry.timer);
            held.delete(result.id);
            results.set(result.id, revive(result));
          }
          fill();
        });
        worker.on('error', (error: Error) => {
          // A worker that cannot even start would fail again on every restart: give up clearly.
          if (!ready) reject(new Error(`cannot start a checker worker thread: ${error.message}`));
          else replace('checker/crash', `checking this folder crashed the checker's worker: ${error.message}`);
        });
        worker.on('exit', (code) => {
          if (!ready) reject(new Error(`a checker worker thread exited while starting (exit code ${code})`));
          else if (held.size > 0) replace('checker/crash', `checking this folder stopped the checker's worker (exit code ${code})`);
        });
      };
      const replace = (rule: string, message: string) => {
        const jobs = [...held.values()];
        for (const { timer } of jobs) clearTimeout(timer);
        held.clear();
        batches = 0;
        worker.removeAllListeners();
        void worker.terminate();
        // Alone on the worker, the folder is the cause; otherwise any of them may be: retry alone.
        if (jobs.length === 1) results.set(jobs[0]!.job.id, failed(root, jobs[0]!.job.id, rule, message));
        else suspects.push(...jobs.map((j) => j.job));
        start();
      };
      const fill = () => {
        if (!ready) return;
        while (batches < inFlight && next < queue.length) {
          const jobs = queue.slice(next, next + batchSize);
          next += jobs.length;
          for (const job of jobs) {
            const timer = setTimeout(() => replace('checker/timeout', `checking this folder took longer than ${timeoutMs / 1000} s`), timeoutMs);
            held.set(job.id, { job, timer });
          }
          batches++;
          worker.postMessage({ root, jobs: jobs.map(({ id, full }) => ({ id, full })) } satisfies FolderBatch);
        }
        if (held.size === 0 && next >= queue.length) {
          worker.removeAllListeners();
          void worker.terminate().then(() => resolve());
        }
      };
      start();
    });
  return Promise.all(Array.from({ length: Math.max(1, Math.min(count, queue.length)) }, runWorker)).then(() => undefined);
}

export async function checkFoldersInPool(root: string, jobs: Job[], options: PoolOptions = {}): Promise<FolderResult[]> {
  const results = new Map<string, FolderResult>();
  const suspects: Job[] = [];
  const count = options.workers ?? defaultWorkerCount();
  // Small catalogs get smaller batches, so that every worker has some and none waits for the last.
  const batchSize = options.batchSize ?? Math.max(1, Math.min(32, Math.ceil(jobs.length / (count * BATCHES_IN_FLIGHT * 2))));
  await runQueue(root, jobs, count, batchSize, BATCHES_IN_FLIGHT, options, results, suspects);
  // Suspects one at a time per worker: whichever fails now is the folder that failed before.
  if (suspects.length > 0) await runQueue(root, suspects, count, 1, 1, options, results, []);
  return jobs.map((job) => results.get(job.id)!);
}
