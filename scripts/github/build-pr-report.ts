// Builds the PR comment body in the unprivileged pull_request job:
//   node --import tsx scripts/github/build-pr-report.ts --findings findings.json --catalog dist/catalog.json \
//     [--base-catalog base/catalog.json] --changed-files changed.txt [--repository o/r --sha <sha>] --out pr-report/body.md
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readCatalogFile } from '../../src/catalog/load-catalog.ts';
import { writeFileAtomic } from '../../src/catalog/write-atomic.ts';
import { buildPrReport } from '../../src/github/pr-report.ts';
import type { Finding } from '../../src/model/finding.ts';

const { values } = parseArgs({
  options: {
    findings: { type: 'string' },
    catalog: { type: 'string' },
    'base-catalog': { type: 'string' },
    'changed-files': { type: 'string' },
    repository: { type: 'string' },
    sha: { type: 'string' },
    out: { type: 'string' },
  },
});
for (const required of ['findings', 'catalog', 'changed-files', 'out'] as const) {
  if (!values[required]) {
    process.stderr.write(`build-pr-report: --${required} is required\n`);
    process.exit(2);
  }
}
const findings = (JSON.parse(await readFile(values.findings!, 'utf8')) as { findings: Finding[] }).findings;
const catalog = await readCatalogFile(values.catalog!);
const baseCatalog = values['base-catalog'] ? await readCatalogFile(values['base-catalog']) : undefined;
const changedFiles = (await readFile(values['changed-files']!, 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean);
const { repository, sha } = values;
const body = buildPrReport({
  changedFiles,
  findings,
  catalog,
  ...(baseCatalog ? { baseCatalog } : {}),
  ...(repository && sha ? { logoUrl: (id: string) => `https://github.com/${repository}/raw/${sha}/definitions/${id}/logo.svg`, commit: sha } : {}),
});
await writeFileAtomic(values.out!, body);
process.stderr.write(`wrote ${values.out} (${body.length} characters)\n`);
