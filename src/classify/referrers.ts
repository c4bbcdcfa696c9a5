// Referrers: what is attached to a manifest. Recognizes a referrers list (distribution-spec 1.1: the
// referrers API's answer, or the image index a client keeps under the `<alg>-<ref>` tag when the
// registry has no API) and cosign's `sha256-<hex>.sig|.att|.sbom` tags. Pure and dependency-free.
import type { ReferrerEntry, ReferrersList, SpecFinding } from '../model/classification.ts';
import { lookupKeyValue, lookupMediaType, type Lookup } from './lookup.ts';
import { mediaTypeEssence } from './media-type.ts';

type Json = Record<string, unknown>;

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** distribution-spec "Referrers Tag Schema": `<alg>-<ref>`, ref the subject's encoded digest (at most 64 characters). */
const TAG_SCHEMA = /^(sha256|sha512)-([a-f0-9]{64})$/;
/** cosign's tags beside the image (sigstore/cosign pkg/oci/remote: SignatureTagSuffix, AttestationTagSuffix, SBOMTagSuffix). */
const COSIGN_TAG = /^(sha256)-([a-f0-9]{64})\.(sig|att|sbom)$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The subject digest a referrers tag stands for (`sha256-<hex>` → `sha256:<hex>`), or null. */
export function referrersTagSubject(tag: string): string | null {
  const match = TAG_SCHEMA.exec(tag);
  return match ? `${match[1]}:${match[2]}` : null;
}

/** cosign's signature, attestation or SBOM tag: the subject digest and which one it is, or null. */
export function cosignTag(tag: string): { subject: string; kind: 'sig' | 'att' | 'sbom' } | null {
  const match = COSIGN_TAG.exec(tag);
  return match ? { subject: `${match[1]}:${match[2]}`, kind: match[3] as 'sig' | 'att' | 'sbom' } : null;
}

/**
 * The catalog type a referrer descriptor names: its artifactType (the manifest's artifactType, or its
 * config media type when it has none, per distribution-spec), else the annotations copied onto it.
 */
export function nameReferrer(lookup: Lookup, descriptor: Json): string | null {
  const artifactType = typeof descriptor.artifactType === 'string' ? descriptor.artifactType : null;
  if (artifactType !== null) {
    const id = lookupMediaType(lookup.artifactType, artifactType) ?? lookupMediaType(lookup.config, artifactType);
    if (id !== undefined) return id;
  }
  if (isObject(descriptor.annotations)) {
    for (const on of ['manifest', 'entry'] as const) {
      for (const key of Object.keys(descriptor.annotations)) {
        const id = lookupKeyValue(lookup.annotation[on], key, descriptor.annotations[key]);
        if (id !== undefined) return id;
      }
    }
  }
  return null;
}

/** Nothing that a referrers list cannot have: its own artifactType or subject, or entries with a platform. */
function couldListReferrers(index: Json, entries: Json[]): boolean {
  return index.artifactType === undefined && index.subject === undefined && entries.every((e) => e.platform === undefined);
}

/**
 * Whether an index lists referrers by its content alone: no artifactType or subject of its own, no
 * platforms, and entries typed by artifactType (an index referrer may omit it, per distribution-spec).
 */
function looksLikeReferrers(index: Json, entries: Json[]): boolean {
  if (!couldListReferrers(index, entries) || entries.length === 0) return false;
  let typed = 0;
  for (const entry of entries) {
    if (entry.platform !== undefined) return false;
    if (typeof entry.artifactType === 'string') typed++;
    else if (typeof entry.mediaType !== 'string' || !/index|manifest\.list/.test(entry.mediaType)) return false;
  }
  return typed > 0;
}

export function referrersList(lookup: Lookup, index: Json, options: { tag?: string; referrersOf?: string }): ReferrersList | null {
  const entries = Array.isArray(index.manifests) ? (index.manifests as unknown[]).filter(isObject) : [];
  const mediaType = typeof index.mediaType === 'string' ? mediaTypeEssence(index.mediaType) : OCI_INDEX;
  if (mediaType !== OCI_INDEX) return null;
  const fromTag = options.tag !== undefined ? referrersTagSubject(options.tag) : null;
  let source: ReferrersList['source'];
  if (options.referrersOf !== undefined) source = 'referrers-api';
  // Under a tag-schema tag, an index is a referrers list unless its content says otherwise (a platform, its
  // own artifactType or subject): an entry missing artifactType is a broken list, reported by validation.
  else if (fromTag !== null && couldListReferrers(index, entries)) source = 'tag-schema';
  else if (looksLikeReferrers(index, entries)) source = 'content';
  else return null;
  const listed: ReferrerEntry[] = [];
  const all = Array.isArray(index.manifests) ? (index.manifests as unknown[]) : [];
  for (let i = 0; i < all.length; i++) {
    const entry = all[i];
    if (!isObject(entry)) continue;
    const id = nameReferrer(lookup, entry);
    listed.push({
      pointer: `/manifests/${i}`,
      digest: typeof entry.digest === 'string' ? entry.digest : null,
      artifactType: typeof entry.artifactType === 'string' ? entry.artifactType : null,
      id,
      displayName: id === null ? null : (lookup.types.get(id)?.displayName ?? null),
    });
  }
  return { source, subject: options.referrersOf ?? fromTag, entries: listed };
}

const LISTING_REFERRERS = 'https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md#listing-referrers';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * distribution-spec "Listing Referrers" (which the tag schema's index must match): every descriptor of an
 * image manifest MUST carry artifactType (its artifactType, else its config mediaType).
 */
export function referrersListFindings(index: Json): SpecFinding[] {
  const findings: SpecFinding[] = [];
  const entries = Array.isArray(index.manifests) ? (index.manifests as unknown[]) : [];
  for (let i = 0; i < entries.length && findings.length < 1000; i++) {
    const entry = entries[i];
    if (!isObject(entry) || typeof entry.mediaType !== 'string' || mediaTypeEssence(entry.mediaType) !== OCI_MANIFEST) continue;
    if (typeof entry.artifactType !== 'string' || entry.artifactType === '') {
      findings.push({ code: 'referrer-artifact-type', severity: 'error', path: `/manifests/${i}/artifactType`, message: 'a referrers list entry for an image manifest must carry artifactType (the manifest\'s artifactType, else its config mediaType)', spec: LISTING_REFERRERS });
    }
  }
  return findings;
}
