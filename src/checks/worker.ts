// Worker thread body: checks a batch of definition folders per message, rule by rule across the
// batch. Runs in its own heap, so a hostile folder that hangs or exhausts memory costs a worker,
// never the checker.
import { parentPort } from 'node:worker_threads';
import { dehydrate } from '../catalog/json-source.ts';
import { checkDefinitionFolders } from './run.ts';

export interface FolderJob {
  id: string;
  full: boolean;
}

export interface FolderBatch {
  root: string;
  jobs: FolderJob[];
}

// Fault injection for the pool's own tests: the folder named here hangs its worker (a busy loop,
// as a pathological input would) or crashes it. Never set outside tests.
const FAULT = process.env.ARTIFACT_TYPES_TEST_FAULT?.split(':') ?? [];

async function checkBatch({ root, jobs }: FolderBatch): Promise<void> {
  if (jobs.some((job) => job.id === FAULT[1])) {
    if (FAULT[0] === 'hang') for (;;);
    if (FAULT[0] === 'crash') process.exit(70);
  }
  const results = await checkDefinitionFolders(root, jobs);
  parentPort!.postMessage({
    results: results.map(({ checked, findings }, i) => {
      const source = checked.source;
      return {
        id: jobs[i]!.id,
        findings,
        checked: {
          ...checked,
          source: {
            ...source,
            definition: source.definition && dehydrate(source.definition),
            configSchema: source.configSchema && dehydrate(source.configSchema),
            examples: source.examples.map((e) => ({ ...e, source: dehydrate(e.source) })),
          },
        },
      };
    }),
  });
}

// One batch at a time: the pool sends the next one early so this thread never waits for it, but
// interleaving two batches would undo what checking rule by rule gains.
let previous: Promise<void> = Promise.resolve();
parentPort!.on('message', (batch: FolderBatch) => {
  previous = previous.then(() => checkBatch(batch));
});

// Start-up (loading the checker) must not count against the first folders' time bounds.
parentPort!.postMessage({ ready: true });
