// Rules evidence/* and sources/not-pinned: every identifying string carries pinned evidence, so a
// reviewer (and `sources check`) can hold it against the tool's code; no source link rots with a branch.
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { at } from './context.ts';
import { describeIdentifying, identifyingStrings } from '../catalog/identifying.ts';
import { evidenceProblem, followsBranch } from '../catalog/evidence.ts';
import { visible } from '../catalog/visible-text.ts';

export const evidence: DefinitionRule = ({ source, definition }) => {
  if (!definition || !source.definition) return [];
  const def = source.definition;
  const findings: Finding[] = [];
  for (const s of identifyingStrings(definition)) {
    if (s.evidence.length === 0) {
      findings.push(at(def, s.pointer, 'evidence/missing', `${visible(describeIdentifying(s))} identifies the type but has no evidence`,
        'add "evidence": [{ "url": "https://github.com/<owner>/<repo>/blob/<commit>/<path>#L<n>" }] pointing at the line of the tool\'s code that writes it (a string entry becomes { "mediaType": …, "evidence": […] })'));
    }
  }
  // Evidence is checked wherever it is given, identifying or not.
  const lists = ['manifestMediaTypes', 'artifactTypes', 'configMediaTypes', 'layers', 'annotations', 'configLabels'] as const;
  for (const list of lists) {
    (definition[list] ?? []).forEach((entry, i) => {
      if (typeof entry === 'string' || !entry.evidence) return;
      entry.evidence.forEach((e, j) => {
        const problem = evidenceProblem(e);
        if (problem) findings.push(at(def, `/${list}/${i}/evidence/${j}/url`, problem.rule, visible(problem.message), problem.fix));
      });
    });
  }
  definition.sources.forEach((url, i) => {
    if (followsBranch(url)) {
      findings.push(at(def, `/sources/${i}`, 'sources/not-pinned', `source ${visible(url)} follows a branch, so it rots when the file moves`,
        'pin it to a commit: https://github.com/<owner>/<repo>/blob/<40-hex commit>/<path> (press y on the GitHub page)'));
    }
  });
  return findings;
};
