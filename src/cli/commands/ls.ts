// `artifact-types ls <registry>`: every tagged artifact in a registry, what type it is (and by which signal) and
// the tools' commands with the real registry, repository and tag filled in.
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { credentialsFrom, listRegistry, RegistryError, type ListedArtifact, type ListedReferrer, type RegistryListing } from '../../registry/index.ts';
import { resolveCatalog } from '../catalog-option.ts';
import { fail } from '../io.ts';

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

const VIA: Record<ListedReferrer['via'][number], string> = {
  'referrers-api': 'referrers API',
  'tag-schema': 'referrers tag schema',
  'cosign-tag': 'cosign tag',
  subject: 'subject field',
};

function mediaTypesLine(artifact: ListedArtifact | ListedReferrer): string {
  const m = artifact.mediaTypes;
  return `media types: manifest ${m.manifest ?? artifact.mediaType ?? '-'}${m.artifactType ? `, artifactType ${m.artifactType}` : ''}${m.config ? `, config ${m.config}` : ''}${m.layers.length ? `, layers ${m.layers.join(' ')}` : ''}`;
}

function detail(artifact: ListedArtifact | ListedReferrer): string[] {
  if (artifact.error) return [`error: ${artifact.error}`];
  const lines = artifact.actions.map((a) => `${a.tool} ${a.kind}: ${a.command}`);
  if (!artifact.type && !('role' in artifact && artifact.role === 'referrers-list')) lines.push(mediaTypesLine(artifact));
  if ('role' in artifact && artifact.subject && (artifact.role === 'referrer' || artifact.role === 'referrers-list')) lines.push(`attached to ${artifact.subject.reference}`);
  for (const c of artifact.conformance) lines.push(`${c.severity} ${c.code} at ${c.path}: ${c.message}`);
  for (const v of artifact.validation.filter((f) => f.severity === 'error')) lines.push(`spec error ${v.code} at ${v.path || '(root)'}: ${v.message}`);
  return lines;
}

/** The referrers under a manifest, as an indented tree (a referrer can have referrers: a signature on an SBOM). */
function referrerLines(referrers: ListedReferrer[], indent: string, seen: Set<ListedReferrer>): string[] {
  const out: string[] = [];
  for (const r of referrers) {
    if (seen.has(r)) continue;
    seen.add(r);
    const name = r.type ? r.type.displayName : `unknown (artifactType ${r.artifactType ?? '-'})`;
    out.push(`${indent}└ ${name}  ${r.tag ? `${r.reference.slice(0, r.reference.lastIndexOf(':'))}:${r.tag}` : r.reference}  (via ${r.via.map((v) => VIA[v]).join(', ')})`);
    for (const line of detail(r)) out.push(`${indent}    ${line}`);
    out.push(...referrerLines(r.referrers, `${indent}  `, seen));
  }
  return out;
}

/**
 * Rows shown at the top: every tagged manifest except referrers and referrers lists whose subject is
 * listed too (they appear under it, the way Harbor shows accessories).
 */
export function topLevel(listing: RegistryListing): ListedArtifact[] {
  const present = new Set(listing.artifacts.filter((a) => a.digest).map((a) => `${a.repository}@${a.digest}`));
  return listing.artifacts.filter((a) => a.role === 'artifact' || !a.subject || !present.has(`${a.repository}@${a.subject.digest}`));
}

function typeCell(a: ListedArtifact): string {
  if (a.role === 'referrers-list') return 'referrers list (tag schema)';
  return a.type ? a.type.displayName : 'unknown';
}

export function formatListing(listing: RegistryListing): string {
  const shown = topLevel(listing);
  // The type's id and the signal it was known by: a logo path means nothing in a terminal (JSON keeps `logo`).
  const rows = shown.map((a) => [a.reference, typeCell(a), a.type?.id ?? '-', a.type?.signal ?? '-']);
  const header = ['REFERENCE', 'TYPE', 'ID', 'BY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const out = [header.map((h, i) => pad(h, widths[i]!)).join('  ').trimEnd()];
  shown.forEach((artifact, i) => {
    out.push(rows[i]!.map((cell, j) => pad(cell, widths[j]!)).join('  ').trimEnd());
    for (const line of detail(artifact)) out.push(`    ${line}`);
    if (artifact.referrers.length > 0) {
      out.push(`    attached (${artifact.referrers.length}):`);
      out.push(...referrerLines(artifact.referrers, '      ', new Set()));
    }
  });
  for (const problem of listing.problems) out.push(`${problem.repository}: ${problem.message}`);
  const unknown = listing.artifacts.filter((a) => !a.type && a.role !== 'referrers-list').length;
  const attached = listing.artifacts.reduce((n, a) => n + a.referrers.length, 0);
  const api = listing.referrersApi === null ? '' : listing.referrersApi ? '; the registry has the referrers API' : '; no referrers API (tag schema and cosign tags read instead)';
  out.push('', `${listing.artifacts.length} tag(s) in ${listing.repositories} repositor${listing.repositories === 1 ? 'y' : 'ies'}, ${unknown} of unknown type, ${attached} referrer(s) attached${api}`);
  return `${out.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('ls')
    .description('List the artifacts in a registry (/v2/_catalog and tags), classify each with the catalog and show how to use it.')
    .argument('<registry>', 'registry address: host[:port] (https) or http://localhost:port')
    .option('--catalog <file>', 'use a prebuilt catalog.json instead of definitions/')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .option('--username <name>', 'registry user (or ARTIFACT_TYPES_REGISTRY_USERNAME)')
    .option('--password <password>', 'registry password or token (or ARTIFACT_TYPES_REGISTRY_PASSWORD)')
    .option('--page-size <n>', 'entries per _catalog/tags page', (v) => Number.parseInt(v, 10), 100)
    .option('--concurrency <n>', 'manifests fetched at once', (v) => Number.parseInt(v, 10), 8)
    .option('--referrer-type <artifactType>', 'show only referrers of this artifactType (the referrers API filter)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (registry: string, options: { catalog?: string; root: string; username?: string; password?: string; pageSize: number; concurrency: number; referrerType?: string; format: string }) => {
      for (const [name, value] of [['--page-size', options.pageSize], ['--concurrency', options.concurrency]] as const) {
        if (!Number.isInteger(value) || value < 1 || value > 1000) fail(`${name} must be a whole number from 1 to 1000`, 2);
      }
      const catalog = await resolveCatalog(options);
      // Progress only on a terminal: piped stderr stays clean for logs.
      const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{phase} [{bar}] {value}/{total}', clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
      let phase = '';
      try {
        const listing = await listRegistry(registry, catalog, {
          credentials: credentialsFrom(options),
          pageSize: options.pageSize,
          concurrency: options.concurrency,
          ...(options.referrerType ? { referrerType: options.referrerType } : {}),
          onProgress: bar
            ? (p) => {
                if (p.phase !== phase) {
                  if (phase) bar.stop();
                  phase = p.phase;
                  bar.start(p.total, 0, { phase: p.phase === 'tags' ? 'tags     ' : 'manifests' });
                }
                bar.update(p.done);
              }
            : undefined,
        });
        bar?.stop();
        process.stdout.write(options.format === 'json' ? `${JSON.stringify(listing, null, 2)}\n` : formatListing(listing));
      } catch (error) {
        bar?.stop();
        if (error instanceof RegistryError) fail(error.message, error.code === 'REFERENCE_INVALID' ? 2 : 1);
        throw error;
      }
    });
}
