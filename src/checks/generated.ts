// Rule generated/drift (validate --generated): files the build generates match what it would write now.
import type { Finding } from '../model/finding.ts';
import type { CatalogRule } from './context.ts';
import { GENERATED_FILES, readCurrent } from '../catalog/generated.ts';

export const generated: CatalogRule = async ({ repoRoot, checked, catalog, focus, generated: judged }) => {
  // Generated files describe the whole catalog and are rewritten after each merge: judged only when
  // asked (validate --generated, on the default branch), and only on full runs.
  if (!judged || focus) return [];
  // A definition that does not build already has its own findings; the drift it causes is noise.
  if (checked.some((c) => !c.entry)) return [];
  const findings: Finding[] = [];
  for (const file of GENERATED_FILES) {
    const current = await readCurrent(repoRoot, file);
    const expected = file.render(catalog, current);
    if (current === expected) continue;
    let line = 0;
    if (current !== null) {
      const a = current.split('\n');
      const b = expected.split('\n');
      line = a.findIndex((text, i) => text !== b[i]) + 1 || Math.min(a.length, b.length) + 1;
    }
    findings.push({ rule: 'generated/drift', severity: 'error', file: file.path, line, column: line ? 1 : 0, message: current === null ? 'is missing' : 'is out of date with the catalog', fix: `run \`${file.command}\` and commit the result` });
  }
  return findings;
};
