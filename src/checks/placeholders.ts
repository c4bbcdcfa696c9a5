// Rule placeholder/unfilled: no `TODO:` left from `artifact-types new` in any file of a type.
// Most placeholders already break another rule (not a URL, not a media type); this also catches
// the ones that are valid text (README body, layer descriptions, tool commands).
import type { Finding } from '../model/finding.ts';
import { PLACEHOLDER } from '../model/placeholder.ts';
import type { DefinitionRule } from './context.ts';

export function placeholderFindings(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((line, i) => {
    const column = line.indexOf(PLACEHOLDER);
    if (column < 0) return;
    findings.push({
      rule: 'placeholder/unfilled',
      severity: 'error',
      file,
      line: i + 1,
      column: column + 1,
      message: `still holds a placeholder from artifact-types new: ${line.trim().slice(0, 120)}`,
      fix: "replace it with the real fact, sourced from the project's docs or code",
    });
  });
  return findings;
}

export const placeholders: DefinitionRule = ({ source }) =>
  [source.definition, source.readme, source.configSchema, ...source.examples.map((e) => e.source)]
    .filter((s) => s !== null)
    .flatMap((s) => placeholderFindings(s.file, s.text));
