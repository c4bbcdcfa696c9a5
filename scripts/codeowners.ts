// `npm run codeowners [-- --root <definitions dir>]`: rewrites CODEOWNERS from the definitions'
// maintainers. Works on a catalog with errors too (a type still being written keeps its owners).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runChecks } from '../src/checks/run.ts';
import { writeFileAtomic } from '../src/catalog/write-atomic.ts';
import { readCurrent } from '../src/catalog/generated.ts';
import { codeownersFile } from '../src/catalog/codeowners.ts';

const { values } = parseArgs({ options: { root: { type: 'string', default: 'definitions' } } });
const root = path.resolve(values.root!);
const repoRoot = path.dirname(root);
const { catalog } = await runChecks({ root });
const current = await readCurrent(repoRoot, codeownersFile);
const next = codeownersFile.render(catalog, current);
if (next === current) {
  process.stderr.write(`${codeownersFile.path} is up to date (${catalog.types.length} types)\n`);
} else {
  await writeFileAtomic(path.join(repoRoot, codeownersFile.path), next);
  process.stderr.write(`updated ${path.relative(process.cwd(), path.join(repoRoot, codeownersFile.path)) || codeownersFile.path} (${catalog.types.length} types)\n`);
}
