// Every rule, in the order findings are usually read. Definition rules see one folder; catalog rules the whole.
import type { CatalogRule, DefinitionRule } from './context.ts';
import { definitionSchema } from './definition-schema.ts';
import { folder } from './folder.ts';
import { mediaTypes } from './media-types.ts';
import { logo } from './logo.ts';
import { configSchema } from './config-schema.ts';
import { docs } from './docs.ts';
import { examples } from './examples.ts';
import { placeholders } from './placeholders.ts';
import { tools } from './tools.ts';
import { evidence, localEvidence } from './evidence.ts';
import { invisibleCharacters } from './invisible-characters.ts';
import { uniqueness } from './uniqueness.ts';
import { classification } from './classification.ts';
import { generated } from './generated.ts';
import { versions } from './versions.ts';

/** Rules that need only definition.json to be read; the rest are skipped for folders outside focus. */
export const DEFINITION_RULES: Array<{ name: string; rule: DefinitionRule; light?: boolean }> = [
  { name: 'folder', rule: folder, light: true },
  { name: 'media-type', rule: mediaTypes, light: true },
  { name: 'logo', rule: logo },
  { name: 'config-schema', rule: configSchema },
  { name: 'docs', rule: docs },
  { name: 'examples', rule: examples },
  { name: 'placeholder', rule: placeholders, light: true },
  { name: 'tools', rule: tools, light: true },
  { name: 'evidence', rule: evidence, light: true },
  { name: 'text', rule: invisibleCharacters },
];

/**
 * Catalog rules; `perFolder` ones find only in the folders they judge and depend on no more than the
 * folders sharing a claimed string with them (folder-summary.ts), so the cache keeps their findings.
 */
export const CATALOG_RULES: Array<{ name: string; rule: CatalogRule; perFolder?: boolean }> = [
  { name: 'catalog', rule: uniqueness, perFolder: true },
  { name: 'classification', rule: classification, perFolder: true },
  { name: 'evidence', rule: localEvidence },
  { name: 'generated', rule: generated },
  { name: 'version', rule: versions },
];

export { definitionSchema };
