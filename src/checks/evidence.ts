// Rules evidence/* and sources/not-pinned: every identifying string carries pinned evidence, so a
// reviewer (and `sources check`) can hold it against the tool's code; no source link rots with a branch.
import type { Finding } from '../model/finding.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogRule, DefinitionRule } from './context.ts';
import { readTextFile } from '../catalog/read-file.ts';
import { at } from './context.ts';
import { describeIdentifying, EVIDENCE_LISTS, identifyingStrings } from '../catalog/identifying.ts';
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
  for (const list of EVIDENCE_LISTS) {
    (definition[list] ?? []).forEach((entry, i) => {
      if (typeof entry === 'string' || !entry.evidence) return;
      entry.evidence.forEach((e, j) => {
        if (!('url' in e)) return; // in-repository evidence: checked by evidence/local (it needs the repository root)
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

const LOCAL = /^([^#]+)#L(\d+)(?:-L(\d+))?$/;

/** This project's own source tree (where this file is): what `file` evidence names, wherever the definitions were copied. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Rule evidence/local: evidence in this repository (`file`, for the types this project writes) names a
 * file of this project's source tree, with the string (or quote) on the named lines.
 */
export const localEvidence: CatalogRule = async ({ checked, focus }) => {
  const repoRoot = PROJECT_ROOT;
  const findings: Finding[] = [];
  for (const { source, definition } of checked) {
    if (!definition || !source.definition || (focus && !focus.has(source.id))) continue;
    for (const list of EVIDENCE_LISTS) {
      for (const [i, entry] of (definition[list] ?? []).entries()) {
        if (typeof entry === 'string' || !entry.evidence) continue;
        const string = 'mediaType' in entry ? entry.mediaType : entry.key;
        for (const [j, e] of entry.evidence.entries()) {
          if (!('file' in e)) continue;
          const problem = await localProblem(repoRoot, e.file, e.quote ?? string);
          if (problem) findings.push(at(source.definition, `/${list}/${i}/evidence/${j}/file`, 'evidence/local', visible(problem), 'point at the line of this repository that writes the string (path from the repository root, #L<n>), or add the exact text there as "quote"'));
        }
      }
    }
  }
  return findings;
};

async function localProblem(repoRoot: string, file: string, needle: string): Promise<string | null> {
  const m = LOCAL.exec(file);
  if (!m) return `${file} is not <path>#L<n>`;
  const absolute = path.resolve(repoRoot, m[1]!);
  if (path.relative(repoRoot, absolute).startsWith('..')) return `${file} is outside the repository`;
  const read = await readTextFile(absolute, m[1]!, 1024 * 1024);
  if (!read.ok) return `${m[1]} ${read.finding.message}`;
  const lines = read.source.text.split('\n');
  const start = Number(m[2]);
  const end = m[3] ? Number(m[3]) : start;
  if (end > lines.length) return `${m[1]} has only ${lines.length} lines, not ${end}`;
  if (!lines.slice(start - 1, end).some((line) => line.includes(needle))) return `${JSON.stringify(needle)} is not on ${file}`;
  return null;
}
