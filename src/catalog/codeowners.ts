// CODEOWNERS from each definition's maintainers, so the people who know a type review changes to
// it. Generated (npm run codeowners, or npm run build); the checker's generated/drift rule fails
// when the committed file differs from what the catalog says.
import type { GeneratedFile } from './generated-file.ts';
import type { Catalog } from '../model/catalog.ts';

/** Owns everything without a more specific line, and co-owns every type so no review is stuck. */
export const DEFAULT_OWNER = '@artifact-types/maintainers';

/**
 * What runs with the repository's tokens or decides what the checks accept: the catalog maintainers
 * alone review it. Written last (the last matching pattern wins), so no type's line can take it over.
 */
export const TRUSTED_PATHS = ['/.github/', '/CODEOWNERS', '/scripts/', '/src/', '/schemas/', '/package.json', '/package-lock.json'];

export function renderCodeowners(catalog: Catalog): string {
  const lines = [
    '# Generated from definitions/*/definition.json "maintainers" by `npm run codeowners`; do not edit.',
    '# The last matching pattern wins: each type is owned by its maintainers (and the catalog maintainers).',
    `* ${DEFAULT_OWNER}`,
    '',
  ];
  for (const type of [...catalog.types].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const owners = [...new Set([...type.maintainers, DEFAULT_OWNER])];
    lines.push(`/definitions/${type.id}/ ${owners.join(' ')}`);
  }
  lines.push('', '# Workflows, the checker and this file: the catalog maintainers only (keep "Require review from Code Owners" on).');
  for (const trusted of TRUSTED_PATHS) lines.push(`${trusted} ${DEFAULT_OWNER}`);
  return `${lines.join('\n')}\n`;
}

export const codeownersFile: GeneratedFile = {
  path: 'CODEOWNERS',
  command: 'npm run codeowners',
  render: (catalog) => renderCodeowners(catalog),
};
