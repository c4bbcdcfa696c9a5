// Findings as JSON for tools: the list plus counts.
import type { Finding } from '../model/finding.ts';
import { summarize } from './text.ts';

export function formatJson(findings: Finding[], typeCount: number): string {
  return `${JSON.stringify({ ...summarize(findings), types: typeCount, findings }, null, 2)}\n`;
}
