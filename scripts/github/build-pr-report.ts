// Builds the PR comment body in the unprivileged pull_request job. Runs the checker in-process, so
// the report has findings and a catalog even when the catalog has errors (and `build` refuses):
//   node --import tsx scripts/github/build-pr-report.ts --changed-files changed.txt --out pr-report/body.md \
//     [--root definitions] [--base <sha> --base-root <base checkout>/definitions] [--repository o/r --sha <head sha>]
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runChecks } from '../../src/checks/run.ts';
import { writeFileAtomic } from '../../src/catalog/write-atomic.ts';
import { buildPrReport } from '../../src/github/pr-report.ts';
import { compareFindings } from '../../src/checks/run.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: 'definitions' },
    base: { type: 'string' },
    'base-root': { type: 'string' },
    'changed-files': { type: 'string' },
    repository: { type: 'string' },
    sha: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values['changed-files'] || !values.out) {
  process.stderr.write('build-pr-report: --changed-files and --out are required\n');
  process.exit(2);
}
const { findings, catalog } = await runChecks({ root: path.resolve(values.root!), ...(values.base ? { base: values.base } : {}) });
let baseRoot = values['base-root'];
if (baseRoot && !(await access(path.join(baseRoot, 'catalog.json')).then(() => true, () => false))) {
  process.stderr.write(`build-pr-report: ${baseRoot} has no catalog.json; the report leaves out the catalog version verdict\n`);
  baseRoot = undefined;
}
const baseCatalog = baseRoot ? (await runChecks({ root: path.resolve(baseRoot) })).catalog : undefined;
const changedFiles = (await readFile(values['changed-files'], 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean);
// Leftover scaffold placeholders are the checker's own placeholder/unfilled findings.
findings.sort(compareFindings);
const { repository, sha } = values;
const body = buildPrReport({
  changedFiles,
  findings,
  catalog,
  ...(baseCatalog ? { baseCatalog } : {}),
  ...(repository && sha ? { logoUrl: (id: string) => `https://github.com/${repository}/raw/${sha}/definitions/${id}/logo.svg`, commit: sha } : {}),
});
await writeFileAtomic(values.out, body);
process.stderr.write(`wrote ${values.out} (${body.length} characters, ${findings.length} findings)\n`);
