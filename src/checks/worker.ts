// Worker thread body: checks one definition folder per message. Runs in its own heap, so a hostile
// folder that hangs or exhausts memory costs a worker, never the checker.
import { parentPort } from 'node:worker_threads';
import { dehydrate } from '../catalog/json-source.ts';
import { checkDefinitionFolder } from './run.ts';

export interface FolderJob {
  root: string;
  id: string;
  full: boolean;
}

// Fault injection for the pool's own tests: the folder named here hangs its worker (a busy loop,
// as a pathological input would) or crashes it. Never set outside tests.
const FAULT = process.env.ARTIFACT_TYPES_TEST_FAULT?.split(':') ?? [];

parentPort!.on('message', async (job: FolderJob) => {
  if (FAULT[1] === job.id) {
    if (FAULT[0] === 'hang') for (;;);
    if (FAULT[0] === 'crash') process.exit(70);
  }
  const { checked, findings } = await checkDefinitionFolder(job.root, job.id, job.full);
  const source = checked.source;
  parentPort!.postMessage({
    id: job.id,
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
  });
});

// Start-up (loading the checker) must not count against the first folders' time bounds.
parentPort!.postMessage({ ready: true });
