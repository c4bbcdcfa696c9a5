// Findings as a compiler prints them: file:line:col severity rule message, then the fix.
import type { Finding } from '../model/finding.ts';

export function location(f: Finding): string {
  return f.line > 0 ? `${f.file}:${f.line}:${f.column}` : f.file;
}

export function summarize(findings: Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

/** Findings, then the count line; `typeCount` is how many type folders they speak for (omitted when unknown). */
export function formatText(findings: Finding[], typeCount?: number): string {
  const lines = findings.map((f) => `${location(f)} ${f.severity} ${f.rule} ${f.message}${f.fix ? `\n    fix: ${f.fix}` : ''}`);
  const { errors, warnings } = summarize(findings);
  const types = typeCount === undefined ? '' : ` in ${typeCount} type${typeCount === 1 ? '' : 's'}`;
  lines.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${types}`);
  return `${lines.join('\n')}\n`;
}
