// The sticky PR comment, as a pure function: (changed files, findings, catalog, base catalog) →
// Markdown. One preview row per added or changed definition, the version verdict, the findings
// table. Everything from the PR (names, media types, commands, messages) is escaped, so a
// definition can neither break the table, forge the marker nor mention people.
import { changesMarkdown, diffCatalogs, type CatalogChanges } from '../catalog/changes.ts';
import type { ArtifactType, Catalog } from '../model/catalog.ts';
import type { Finding } from '../model/finding.ts';
import { location, summarize } from '../report/text.ts';
import { PLACEHOLDER } from '../model/placeholder.ts';
import { markdownText } from '../report/markdown.ts';

/** Hidden marker the executor finds its own comment by. */
export const MARKER = '<!-- artifact-types:pr-report -->';
/** GitHub refuses comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The report stays this much under GitHub's limit: room for the note the (trusted) poster puts above it. */
export const POSTER_NOTE_ROOM = 1024;
/** The longest report the check may build. */
export const MAX_BODY = GITHUB_COMMENT_LIMIT - POSTER_NOTE_ROOM;

export interface PrReportInput {
  /** Repository-relative paths changed by the PR. */
  changedFiles: string[];
  findings: Finding[];
  /** The catalog built from the PR head. */
  catalog: Catalog;
  /** The catalog built from the base branch: enables the catalog version verdict. */
  baseCatalog?: Catalog;
  /** URL of a type's logo at the PR head, e.g. https://github.com/o/r/raw/<sha>/definitions/<id>/logo.svg. */
  logoUrl?: (id: string) => string;
  /** Head commit, shown so readers know what the report is about. */
  commit?: string;
  /** The definitions folder in the repository. */
  definitionsDir?: string;
}

/** Text for an HTML attribute value (or HTML text): no pipes, no tags, no line breaks, no @mentions. Markdown text uses markdownText. */
export function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\|/g, '&#124;')
    .replace(/@/g, '&#64;')
    .replace(/[\r\n]+/g, ' ');
}

/** Contributed text: shown literally (no link, image, HTML, mention or table cell break). */
const text = markdownText;
/** Code in HTML code tags, so entities work inside: no mention (even in raw text), no cell break, no link. */
const code = (s: string) => `<code>${markdownText(s)}</code>`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Ids of definition folders touched by the PR, in order of first appearance. */
export function changedIds(changedFiles: string[], definitionsDir = 'definitions'): string[] {
  const ids = new Set<string>();
  for (const file of changedFiles) {
    const parts = file.replace(/\\/g, '/').split('/');
    if (parts[0] === definitionsDir && parts.length > 2 && parts[1]) ids.add(parts[1]);
  }
  return [...ids];
}

function identifyingSignals(type: ArtifactType): string[] {
  return [
    ...type.artifactTypes.filter((m) => m.identifying !== false).map((m) => `artifactType ${code(m.mediaType)}`),
    ...type.configMediaTypes.filter((m) => m.identifying !== false).map((m) => `config ${code(m.mediaType)}`),
    ...type.layers.filter((l) => l.identifying).map((l) => `layer ${code(l.mediaType)}`),
    ...type.annotations.filter((a) => a.identifying).map((a) => `annotation ${code(`${a.key}${a.value !== undefined ? `=${a.value}` : ''}`)}`),
    ...type.configLabels.map((l) => `label ${code(l.key)}`),
  ];
}

function previewRow(id: string, input: PrReportInput, changes: CatalogChanges | null): string {
  const type = input.catalog.types.find((t) => t.id === id);
  const before = input.baseCatalog?.types.find((t) => t.id === id);
  if (!type) {
    const what = input.baseCatalog && before ? 'removed, or does not build (see the findings)' : 'does not build yet (see the findings)';
    return `| | ${code(id)} | ${what} | | ${before ? escapeText(before.version) : ''} |`;
  }
  const logo = input.logoUrl ? `<img src="${escapeText(input.logoUrl(id))}" width="32" height="32" alt="">` : '';
  const state = input.baseCatalog ? (before ? 'changed' : 'added') : '';
  const notes = [
    ...(state ? [state] : []),
    ...(type.status === 'deprecated' ? [`deprecated${type.replacedBy ? `, use ${code(type.replacedBy)}` : ''}`] : []),
    ...(JSON.stringify(type).includes(PLACEHOLDER) ? [`⚠️ still has ${code(PLACEHOLDER)} placeholders`] : []),
  ];
  const name = `**${text(type.displayName)}**<br>${code(type.id)}${notes.length ? `<br>${notes.join(', ')}` : ''}`;
  const mediaTypes = [...identifyingSignals(type), ...type.layers.filter((l) => !l.identifying).map((l) => `layer ${code(l.mediaType)}`)];
  const actions = type.tools.flatMap((tool) => (['pull', 'push', 'run'] as const).filter((k) => tool[k]).map((k) => `${k}: ${code(tool[k]!)}`));
  const change = changes?.changed.find((c) => c.id === id);
  const version = change
    ? `${escapeText(change.fromVersion)} → ${escapeText(change.version)}<br>${change.versionOk ? '✅' : '❌'} ${change.bump} change`
    : before && before.version !== type.version
      ? `${escapeText(before.version)} → ${escapeText(type.version)}`
      : escapeText(type.version);
  return `| ${logo} | ${name} | ${mediaTypes.join('<br>') || '—'} | ${actions.join('<br>') || '—'} | ${version} |`;
}

function versionSection(input: PrReportInput, changes: CatalogChanges | null): string[] {
  const versionFindings = input.findings.filter((f) => f.rule.startsWith('version/'));
  const lines: string[] = ['### Versions', ''];
  if (changes) {
    if (changes.bump === 'none') lines.push('- Catalog: no artifact type changed, so no version bump is needed.');
    else lines.push(`- Catalog: these changes need a **${changes.bump}** bump; ${escapeText(changes.from.version)} → ${escapeText(changes.to.version)} ${changes.versionOk ? '✅' : '❌ (set "version" in definitions/catalog.json)'}`);
  }
  for (const f of versionFindings) lines.push(`- ❌ ${code(location(f))}: ${text(f.message)}${f.fix ? ` (fix: ${text(f.fix)})` : ''}`);
  if (!changes && versionFindings.length === 0) lines.push('- The checker found no version problems.');
  return [...lines, ''];
}

const FINDINGS_HEADER = ['### Findings', '', '| Where | Severity | Rule | Problem | Fix |', '| --- | --- | --- | --- | --- |'];
const findingRow = (f: Finding) => `| ${code(location(f))} | ${f.severity === 'error' ? '❌ error' : '⚠️ warning'} | ${code(f.rule)} | ${text(f.message)} | ${text(f.fix ?? '')} |`;

/** The whole comment body; always under MAX_BODY characters (findings are cut first, then rows). */
export function buildPrReport(input: PrReportInput): string {
  const { errors, warnings } = summarize(input.findings);
  const changes = input.baseCatalog ? diffCatalogs(input.baseCatalog, input.catalog) : null;
  const ids = changedIds(input.changedFiles, input.definitionsDir);
  // Warnings on types this PR does not touch are old news (the job summary has them); errors always show.
  const unchanged = (f: Finding) => {
    const id = changedIds([f.file], input.definitionsDir)[0];
    return id !== undefined && !ids.includes(id);
  };
  const shown = input.findings.filter((f) => f.severity === 'error' || !unchanged(f));
  const hidden = input.findings.length - shown.length;
  const head = [
    MARKER,
    `## ${errors > 0 ? '❌' : '✅'} artifact-types check`,
    '',
    `**${plural(errors, 'error')}**, ${plural(warnings, 'warning')}${hidden ? ` (${hidden} on unchanged types: see the job summary)` : ''} · ${plural(input.catalog.types.length, 'type')} in the catalog${input.commit ? ` · commit ${code(input.commit.slice(0, 12))}` : ''}`,
    '',
  ];
  const previewRows = ids.map((id) => previewRow(id, input, changes));
  const previewPart = (n: number) =>
    ids.length === 0
      ? ['No definition changed in this pull request.', '']
      : ['### Types in this pull request', '', '| Logo | Type | Media types | Actions | Version |', '| --- | --- | --- | --- | --- |', ...previewRows.slice(0, n), ...(n < previewRows.length ? [`| | … | ${previewRows.length - n} more types are not shown | | |`] : []), ''];
  const versions = versionSection(input, changes);
  const notes = changes && changes.bump !== 'none' ? ['<details><summary>Release notes for this change</summary>', '', changesMarkdown(changes).replace(/@/g, '&#64;'), '</details>', ''] : [];
  const foot = ["<sub>Built by this pull request's own validate run; updated on every push. The full table is in the job summary.</sub>", ''];

  const fixed = (parts: string[][]) => parts.map((p) => p.join('\n')).join('\n');
  const rows = shown.map(findingRow);
  const findingsPart = (n: number) =>
    shown.length === 0
      ? ['### Findings', '', hidden ? 'No findings on the changed types.' : 'No findings.', '']
      : [...FINDINGS_HEADER, ...rows.slice(0, n), ...(n < rows.length ? [`| … | | | ${rows.length - n} more findings are in the job summary | |`] : []), ''];

  // Fit under the limit: drop the release notes, then halve the preview, then cut finding rows.
  let previewCount = previewRows.length;
  let notesPart = notes;
  for (;;) {
    const body = (n: number) => fixed([head, previewPart(previewCount), versions, notesPart, findingsPart(n), foot]);
    if (body(0).length < MAX_BODY) {
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (body(mid).length < MAX_BODY) lo = mid;
        else hi = mid - 1;
      }
      return body(lo);
    }
    if (notesPart.length > 0) notesPart = [];
    else if (previewCount > 0) previewCount = Math.floor(previewCount / 2);
    else return fixed([head, ['The report is too long to show here; see the job summary.', ''], foot]);
  }
}
