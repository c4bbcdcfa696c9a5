// The difference between two built catalogs, and the version bump it requires (VERSIONING.md):
// major when a consumer could stop recognizing something (a type or an identifying signal removed,
// an id renamed without an alias), minor when something new appears (types, media types,
// deprecations), patch for any other change to an entry. Pure: catalogs in, data out.
import { markdownCode, markdownText } from '../report/markdown.ts';
import semver from 'semver';
import type { ArtifactType, Catalog } from '../model/catalog.ts';

export type Bump = 'major' | 'minor' | 'patch' | 'none';
const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };
const maxBump = (a: Bump, b: Bump): Bump => (RANK[a] >= RANK[b] ? a : b);

export interface TypeRef {
  id: string;
  displayName: string;
  version: string;
}

export interface TypeChange extends TypeRef {
  fromVersion: string;
  /** Media types (any role) newly listed / no longer listed. */
  mediaTypesAdded: string[];
  mediaTypesRemoved: string[];
  /** Identifying signals (what classification keys on) that disappeared: a breaking change. */
  signalsRemoved: string[];
  /** Became deprecated in this change. */
  deprecated: boolean;
  replacedBy?: string;
  /** Former id, when this type was renamed and keeps the old id as an alias. */
  renamedFrom?: string;
  bump: Bump;
  /** The definition's own version moved at least as far as its change requires. */
  versionOk: boolean;
}

export interface CatalogChanges {
  from: { version: string; digest: string; types: number };
  to: { version: string; digest: string; types: number };
  digestChanged: boolean;
  added: TypeRef[];
  /** Gone, and not kept as an alias of another type. */
  removed: TypeRef[];
  /** Every type whose entry changed (including renames and deprecations). */
  changed: TypeChange[];
  /** The bump the catalog version needs, and why. */
  bump: Bump;
  reasons: string[];
  /** The catalog's own version moved at least as far as required. */
  versionOk: boolean;
}

/** Every media type a type lists, in any role, keyed by role so a move between roles shows. */
function mediaTypesOf(type: ArtifactType): Set<string> {
  return new Set([
    ...type.manifestMediaTypes.map((m) => `manifest ${m.mediaType}`),
    ...type.artifactTypes.map((m) => `artifactType ${m.mediaType}`),
    ...type.configMediaTypes.map((m) => `config ${m.mediaType}`),
    ...type.layers.map((l) => `layer ${l.mediaType}`),
  ]);
}

/** What classification keys on: the signals a consumer's lookup would lose if removed. */
export function signalsOf(type: ArtifactType): Set<string> {
  return new Set([
    ...type.artifactTypes.filter((m) => m.identifying !== false).map((m) => `artifactType ${m.mediaType}`),
    ...type.configMediaTypes.filter((m) => m.identifying !== false).map((m) => `config ${m.mediaType}`),
    ...type.manifestMediaTypes.filter((m) => m.generic).map((m) => `fallback manifest ${m.mediaType}`),
    ...type.layers.filter((l) => l.identifying).map((l) => `layer ${l.mediaType}`),
    ...type.annotations.filter((a) => a.identifying).map((a) => `${a.on} annotation ${a.key}${a.value !== undefined ? `=${a.value}` : ''}`),
    ...type.configLabels.map((l) => `config label ${l.key}${l.value !== undefined ? `=${l.value}` : ''}`),
  ]);
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();
const ref = (t: ArtifactType): TypeRef => ({ id: t.id, displayName: t.displayName, version: t.version });

/** True when `to` is at least `from` bumped by `bump` (any version is fine when none is needed). */
export function bumpSatisfied(from: string, to: string, bump: Bump): boolean {
  if (bump === 'none') return true;
  if (!semver.valid(from) || !semver.valid(to)) return false;
  return semver.gte(to, semver.inc(from, bump)!);
}

export function diffCatalogs(from: Catalog, to: Catalog): CatalogChanges {
  const before = new Map(from.types.map((t) => [t.id, t]));
  const after = new Map(to.types.map((t) => [t.id, t]));
  // A renamed type keeps its old id among its aliases: old id → new type.
  const aliasOf = new Map<string, ArtifactType>();
  for (const t of to.types) for (const alias of t.aliases) aliasOf.set(alias, t);

  const added: TypeRef[] = [];
  const removed: TypeRef[] = [];
  const changed: TypeChange[] = [];
  const reasons: string[] = [];
  let bump: Bump = 'none';
  const need = (level: Bump, reason: string) => {
    bump = maxBump(bump, level);
    reasons.push(`${level}: ${reason}`);
  };

  const renamedTo = new Map<string, string>();
  for (const old of from.types) {
    if (after.has(old.id)) continue;
    const successor = aliasOf.get(old.id);
    if (successor && !before.has(successor.id)) renamedTo.set(successor.id, old.id);
    else if (!successor) {
      removed.push(ref(old));
      need('major', `type ${old.id} was removed`);
    }
  }
  for (const type of to.types) {
    const renamedFrom = renamedTo.get(type.id);
    const old = before.get(type.id) ?? (renamedFrom ? before.get(renamedFrom) : undefined);
    if (!old) {
      added.push(ref(type));
      need('minor', `type ${type.id} was added`);
      continue;
    }
    if (old.digest === type.digest && !renamedFrom) continue;
    const oldMedia = mediaTypesOf(old);
    const newMedia = mediaTypesOf(type);
    const change: TypeChange = {
      ...ref(type),
      fromVersion: old.version,
      mediaTypesAdded: minus(newMedia, oldMedia),
      mediaTypesRemoved: minus(oldMedia, newMedia),
      signalsRemoved: minus(signalsOf(old), signalsOf(type)),
      deprecated: old.status !== 'deprecated' && type.status === 'deprecated',
      ...(type.replacedBy ? { replacedBy: type.replacedBy } : {}),
      ...(renamedFrom ? { renamedFrom } : {}),
      bump: 'patch',
      versionOk: true,
    };
    if (change.signalsRemoved.length > 0) change.bump = 'major';
    else if (change.mediaTypesAdded.length > 0 || change.deprecated || renamedFrom) change.bump = 'minor';
    change.versionOk = bumpSatisfied(old.version, type.version, change.bump);
    const why =
      change.signalsRemoved.length > 0
        ? `${type.id} no longer identifies by ${change.signalsRemoved.join(', ')}`
        : renamedFrom
          ? `${renamedFrom} was renamed to ${type.id} (the old id is kept as an alias)`
          : change.deprecated
            ? `${type.id} was deprecated${type.replacedBy ? ` in favour of ${type.replacedBy}` : ''}`
            : change.mediaTypesAdded.length > 0
              ? `${type.id} lists new media types`
              : `${type.id} changed`;
    need(change.bump, why);
    changed.push(change);
  }
  return {
    from: { version: from.version, digest: from.digest, types: from.types.length },
    to: { version: to.version, digest: to.digest, types: to.types.length },
    digestChanged: from.digest !== to.digest,
    added,
    removed,
    changed,
    bump,
    reasons,
    versionOk: bumpSatisfied(from.version, to.version, bump),
  };
}

// Names and media types are contributed text: shown literally (no links, images or HTML).
const code = markdownCode;
const text = markdownText;

/** Release notes and PR text: what changed, and whether the catalog version is bumped enough. */
export function changesMarkdown(changes: CatalogChanges): string {
  const lines: string[] = [`## Catalog ${changes.from.version} → ${changes.to.version}`, ''];
  if (changes.bump === 'none') {
    lines.push('No artifact type changed.', '');
  } else {
    const verdict = changes.versionOk ? 'the version is bumped enough' : `**the version must be at least ${semver.valid(changes.from.version) ? semver.inc(changes.from.version, changes.bump as semver.ReleaseType) : `a ${changes.bump} bump`}**`;
    lines.push(`Required bump: **${changes.bump}**; ${verdict}.`, '');
  }
  if (changes.added.length > 0) {
    lines.push('### Added', '', ...changes.added.map((t) => `- ${text(t.displayName)} (${code(t.id)}) ${t.version}`), '');
  }
  const deprecated = changes.changed.filter((c) => c.deprecated);
  if (deprecated.length > 0) {
    lines.push('### Deprecated', '', ...deprecated.map((c) => `- ${text(c.displayName)} (${code(c.id)})${c.replacedBy ? `: use ${code(c.replacedBy)} instead` : ''}`), '');
  }
  if (changes.removed.length > 0) {
    lines.push('### Removed', '', ...changes.removed.map((t) => `- ${text(t.displayName)} (${code(t.id)}) ${t.version}`), '');
  }
  const other = changes.changed.filter((c) => !c.deprecated);
  if (other.length > 0) {
    lines.push('### Changed', '');
    for (const c of other) {
      const parts = [
        ...(c.renamedFrom ? [`renamed from ${code(c.renamedFrom)}`] : []),
        ...c.mediaTypesAdded.map((m) => `+ ${code(m)}`),
        ...c.mediaTypesRemoved.map((m) => `− ${code(m)}`),
        ...(c.signalsRemoved.length > 0 ? [`no longer identified by ${c.signalsRemoved.map(code).join(', ')}`] : []),
      ];
      lines.push(`- ${text(c.displayName)} (${code(c.id)}) ${c.fromVersion} → ${c.version} (${c.bump}${c.versionOk ? '' : `, **needs a ${c.bump} bump**`})${parts.length ? `: ${parts.join('; ')}` : ''}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * The catalog version after a merge: the last release's bumped as the changes require; the release's
 * own when nothing changed; never lower than what definitions/catalog.json already says.
 */
export function requiredVersion(released: string, current: string, bump: Bump, digestChanged: boolean): string {
  const needed = digestChanged && bump !== 'none' ? semver.inc(released, bump)! : digestChanged ? semver.inc(released, 'patch')! : released;
  return semver.valid(current) && semver.gt(current, needed) ? current : needed;
}
