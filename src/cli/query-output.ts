// What `classify`, `get` and `lookup` print and which exit code they give, for both the repository's
// CLI and the npm package's bin (scripts/package/runtime/bin.ts), so the two never disagree.
// Pure and dependency-free: the package bundles this file.
import type { MediaTypeUse } from '../classify/index.ts';
import type { ArtifactType } from '../model/catalog.ts';
import type { Classification } from '../model/classification.ts';

export type OutputFormat = 'json' | 'text';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'text'];

/** Exit codes: 0 a known type (or a found entry), 1 an unknown type or a spec violation, 2 usage. */
export const EXIT = { ok: 0, unknown: 1, usage: 2 } as const;

export interface QueryOutput {
  text: string;
  exitCode: number;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const SOURCES = { 'referrers-api': 'from the referrers API', 'tag-schema': 'the referrers tag schema', content: 'by its content' } as const;

function headline(result: Classification): string[] {
  if (result.error) return [`not a manifest: ${result.error.pointer || '(root)'}: ${result.error.message}`];
  const named = result.id ? [`${result.displayName} (${result.id}), matched by ${result.signal} at ${result.matched!.pointer}: ${result.matched!.value}`] : [];
  const list = result.referrersList;
  if (list) {
    return [
      ...named,
      `referrers list (${SOURCES[list.source]})${list.subject ? ` of ${list.subject}` : ''}, ${list.entries.length} referrer(s):`,
      ...list.entries.map((e) => `  ${e.pointer} ${e.id ? `${e.displayName} (${e.id})` : 'unknown type'}: artifactType ${e.artifactType ?? '-'}${e.digest ? ` ${e.digest}` : ''}`),
    ];
  }
  const lines = result.id
    ? named
    : ['unknown artifact type', ...Object.entries(result.mediaTypes).filter(([, v]) => (Array.isArray(v) ? v.length : v)).map(([k, v]) => `  ${k}: ${Array.isArray(v) ? v.join(', ') : v}`)];
  if (result.subject) lines.push(`  refers to ${result.subject.digest} (subject, ${result.subject.mediaType})`);
  return lines;
}

export function formatClassification(result: Classification): string {
  const lines = headline(result);
  for (const c of result.conformance) lines.push(`  ${c.severity} ${c.code} at ${c.path}: ${c.message}`);
  for (const v of result.validation ?? []) lines.push(`  spec ${v.severity} ${v.code} at ${v.path || '(root)'}: ${v.message} (${v.spec})`);
  return `${lines.join('\n')}\n`;
}

/**
 * 0 for a known type (or a referrers list) that conforms; 1 when the input is not a manifest, the type
 * is unknown, or a conformance error or an image-spec MUST rule was broken.
 */
export function classificationExitCode(result: Classification): number {
  if (result.error || (result.id === null && !result.referrersList)) return EXIT.unknown;
  if (result.conformance.some((c) => c.severity === 'error')) return EXIT.unknown;
  return (result.validation ?? []).some((v) => v.severity === 'error') ? EXIT.unknown : EXIT.ok;
}

export function classifyOutput(result: Classification, format: OutputFormat): QueryOutput {
  return { text: format === 'text' ? formatClassification(result) : json(result), exitCode: classificationExitCode(result) };
}

function flags(entry: { legacy?: boolean; deprecated?: boolean; generic?: boolean; identifying?: boolean; required?: boolean }): string {
  const list = [entry.generic ? 'fallback' : '', entry.legacy ? 'legacy' : '', entry.deprecated ? 'deprecated' : '', entry.required ? 'required' : '', entry.identifying === true ? 'identifying' : '', entry.identifying === false ? 'not identifying' : ''];
  const shown = list.filter(Boolean);
  return shown.length > 0 ? ` (${shown.join(', ')})` : '';
}

export function formatType(type: ArtifactType): string {
  const lines = [`${type.displayName} (${type.id}) ${type.version}${type.status === 'deprecated' ? `, deprecated${type.replacedBy ? `: use ${type.replacedBy}` : ''}` : ''}`, `  ${type.description}`];
  if (type.aliases.length > 0) lines.push(`  aliases: ${type.aliases.join(', ')}`);
  for (const m of type.artifactTypes) lines.push(`  artifactType ${m.mediaType}${flags(m)}`);
  for (const m of type.configMediaTypes) lines.push(`  config ${m.mediaType}${flags(m)}`);
  for (const l of type.layers) lines.push(`  layer ${l.mediaType}${flags(l)}`);
  for (const m of type.manifestMediaTypes) lines.push(`  manifest ${m.mediaType}${flags(m)}`);
  if (type.tools.length > 0) lines.push(`  tools: ${type.tools.map((t) => t.name).join(', ')}`);
  lines.push(`  homepage: ${type.homepage}`);
  return `${lines.join('\n')}\n`;
}

/** `get <id>`: the catalog entry (by id or alias), or exit 1 naming the id. */
export function getOutput(id: string, type: ArtifactType | undefined, format: OutputFormat): QueryOutput {
  if (!type) return { text: format === 'json' ? json(null) : `unknown artifact type id: ${id}\n`, exitCode: EXIT.unknown };
  return { text: format === 'text' ? formatType(type) : json(type), exitCode: EXIT.ok };
}

/** `lookup <media-type>`: every type using the media type and in which role; exit 1 when none does. */
export function lookupOutput(mediaType: string, uses: readonly MediaTypeUse[], format: OutputFormat): QueryOutput {
  const exitCode = uses.length > 0 ? EXIT.ok : EXIT.unknown;
  if (format === 'json') return { text: json(uses), exitCode };
  if (uses.length === 0) return { text: `no artifact type uses ${mediaType}\n`, exitCode };
  return { text: uses.map((u) => `${u.id} ${u.role}${flags(u.info)}\n`).join(''), exitCode };
}
