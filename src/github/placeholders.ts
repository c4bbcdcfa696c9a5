// Leftover `TODO:` placeholders from `artifact-types new` in a PR's files, as findings for the PR
// report. Most placeholders already fail the checker (bad URL, no full stop, not a media type);
// this also catches the ones that are valid text (README body, descriptions, commands).
import type { Finding } from '../model/finding.ts';

export const PLACEHOLDER = 'TODO:';

export function placeholderFindings(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((line, i) => {
    const column = line.indexOf(PLACEHOLDER);
    if (column < 0) return;
    findings.push({
      rule: 'placeholder/unfilled',
      severity: 'warning',
      file,
      line: i + 1,
      column: column + 1,
      message: `still holds a placeholder from artifact-types new: ${line.trim().slice(0, 120)}`,
      fix: 'replace it with the real fact, sourced from the project\'s docs or code',
    });
  });
  return findings;
}
