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

parentPort!.on('message', async (job: FolderJob) => {
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
