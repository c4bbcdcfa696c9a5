// Findings as GitHub Actions workflow commands (annotations on the changed lines) and as a
// Markdown table for the job summary, since GitHub shows only a few annotations per step.
import type { Finding } from '../model/finding.ts';
import { markdownCode, markdownText } from './markdown.ts';
import { location, summarize } from './text.ts';

/** Escaping from the workflow-commands docs: data escapes % CR LF; properties also : and ,. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface GithubOptions {
  /** Which findings get an annotation (default: every one); the others are counted in one notice. */
  annotate?: (finding: Finding) => boolean;
  /** Where the findings left out are listed, for the notice. */
  listedIn?: string;
  /** Why annotations could not be limited, printed first as a warning. */
  problem?: string;
}

function annotation(f: Finding): string {
  const props = [`file=${property(f.file)}`, ...(f.line > 0 ? [`line=${f.line}`, `col=${f.column}`] : []), `title=${property(f.rule)}`];
  return `::${f.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${data(`${f.message}${f.fix ? `. Fix: ${f.fix}` : ''}`)}\n`;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function formatGithub(findings: Finding[], options: GithubOptions = {}): string {
  const { annotate } = options;
  const out: string[] = options.problem ? [`::warning title=${property('artifact-types validate')}::${data(options.problem)}\n`] : [];
  const left: Finding[] = [];
  for (const f of findings) {
    if (!annotate || annotate(f)) out.push(annotation(f));
    else left.push(f);
  }
  if (left.length > 0) {
    const { errors, warnings } = summarize(left);
    const where = options.listedIn ?? 'the job summary lists every finding';
    out.push(`::notice title=${property('artifact-types validate')}::${data(`${count(left.length, 'finding')} on lines this change did not touch (${count(errors, 'error')}, ${count(warnings, 'warning')}) ${left.length === 1 ? 'is' : 'are'} not annotated; ${where}.`)}\n`);
  }
  return out.join('');
}


export function formatSummaryTable(findings: Finding[]): string {
  const { errors, warnings } = summarize(findings);
  if (findings.length === 0) return '### artifact-types validate\n\nNo findings.\n';
  return [
    '### artifact-types validate',
    '',
    `${errors} error(s), ${warnings} warning(s).`,
    '',
    '| Where | Severity | Rule | Problem | Fix |',
    '| --- | --- | --- | --- | --- |',
    // Messages quote contributed text: shown literally (no link, image, HTML or mention).
    ...findings.map((f) => `| ${markdownCode(location(f))} | ${f.severity} | ${markdownCode(f.rule)} | ${markdownText(f.message)} | ${markdownText(f.fix ?? '')} |`),
    '',
  ].join('\n');
}
