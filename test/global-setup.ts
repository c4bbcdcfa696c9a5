// After every run, join docs/reliability/*.md (written by the reliability suites) into docs/RELIABILITY.md.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RELIABILITY_DIR } from './reliability-report.ts';

export function teardown(): void {
  if (!existsSync(RELIABILITY_DIR)) return;
  const sections = readdirSync(RELIABILITY_DIR).filter((f) => f.endsWith('.md')).sort().map((f) => readFileSync(path.join(RELIABILITY_DIR, f), 'utf8').trim());
  writeFileSync(
    path.resolve('docs/RELIABILITY.md'),
    `# Reliability\n\nWhat the reliability suites tried against hostile input, load and faults, and how it went. Each section is written by the suite named in it (sections in docs/reliability/); \`npm test\` regenerates this file.\n\n${sections.join('\n\n')}\n`,
  );
}
