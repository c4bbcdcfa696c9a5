// Findings as a compiler prints them: file:line:col severity rule message, then the fix.
import type { Finding } from '../model/finding.ts';

export function location(f: Finding): string {
  return f.line > 0 ? `${f.file}:${f.line}:${f.column}` : f.file;
}

export function summarize(findings: Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

export function formatText(findings: Finding[], typeCount: number): string {
  const lines = findings.map((f) => `${location(f)} ${f.severity} ${f.rule} ${f.message}${f.fix ? `\n    fix: ${f.fix}` : ''}`);
  const { errors, warnings } = summarize(findings);
  lines.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${typeCount} type${typeCount === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
