// The npm package `artifact-types`: the catalog as data, and the one classifier from src/classify
// over it. Config validators were compiled to code at build time, so nothing here compiles a
// schema, calls eval or new Function, or imports anything at run time.
import { buildLookup, classify as classifyWithLookup, findType, typesForMediaType as mediaTypeUses, type Lookup, type MediaTypeUse } from '../../../src/classify/index.ts';
import type { ArtifactType, Catalog } from '../../../src/model/catalog.ts';
import type { Classification as SourceClassification } from '../../../src/model/classification.ts';
import { checkConfig } from '../../../src/schema/config-budget.ts';
import { catalogData, logos, validators, type ArtifactTypeId } from './generated.ts';

export type { Annotation, ArtifactType, Catalog, Label, Layer, MediaTypeInfo, Tool } from '../../../src/model/catalog.ts';
export type { ConformanceFinding, ReferrerEntry, ReferrersList, Signal, SpecFinding } from '../../../src/model/classification.ts';
export type { MediaTypeUse, Role } from '../../../src/classify/index.ts';
export type { ArtifactTypeId };

/** An artifact type of this catalog, its id narrowed to the ids the catalog has. */
export type KnownArtifactType = ArtifactType & { id: ArtifactTypeId };

/** The catalog with its types' ids narrowed. */
export interface KnownCatalog extends Catalog {
  types: KnownArtifactType[];
}

/** What classify returns; `id` is one of this catalog's ids, or null when nothing matched. */
export interface Classification extends Omit<SourceClassification, 'id'> {
  id: ArtifactTypeId | null;
}

/** The whole catalog: every artifact type, its media types, docs and config schema. */
export const catalog: KnownCatalog = catalogData as KnownCatalog;

/** The catalog version (also the package version). */
export const version: string = catalogData.version;

// Hash maps over the catalog, built on first use so importing stays cheap.
let lookup: Lookup | null = null;
function lookupOf(): Lookup {
  lookup ??= buildLookup(catalogData.types);
  return lookup;
}

/** A type by id, or by a former id (alias). */
export function getType(id: ArtifactTypeId): KnownArtifactType;
export function getType(id: string): KnownArtifactType | undefined;
export function getType(id: string): KnownArtifactType | undefined {
  return typeof id === 'string' ? (findType(lookupOf(), id) as KnownArtifactType | undefined) : undefined;
}

/** Every type that uses this media type, with its role (manifest, artifactType, config, layer). Parameters are ignored. */
export function typesForMediaType(mediaType: string): Array<MediaTypeUse & { id: ArtifactTypeId }> {
  return typeof mediaType === 'string' ? ([...mediaTypeUses(lookupOf(), mediaType)] as Array<MediaTypeUse & { id: ArtifactTypeId }>) : [];
}

export interface ConfigError {
  /** JSON pointer into the config object. */
  pointer: string;
  message: string;
}

/**
 * Validates a config object (the parsed config blob) against the type's config schema.
 * Returns [] when it is valid, the first problem when it is not, and null when the type
 * (by id or alias) is unknown or has no config schema. A config of more than 100,000 values or
 * 64 levels is not validated (one problem says so), so a hostile config costs little.
 */
export function validateConfig(id: ArtifactTypeId | (string & {}), config: unknown): ConfigError[] | null {
  const type = getType(id);
  const validate = type ? validators.get(type.id) : undefined;
  if (!validate) return null;
  return checkConfig(validate, config);
}

export interface ClassifyOptions {
  /** The config blob, parsed: lets config labels identify the type, checks it against the type's config schema and, for the OCI image config, against config.md. */
  config?: unknown;
  /** The tag the manifest was pulled by: `<alg>-<hex>` marks a referrers list (distribution-spec referrers tag schema). */
  tag?: string;
  /** The subject digest, when the input is a registry's answer to GET /v2/<name>/referrers/<digest>. */
  referrersOf?: string;
}

/** The body POST /v1/classify also takes: the manifest and its config blob together. */
export interface ClassifyInput {
  manifest: unknown;
  config?: unknown;
  tag?: string;
  referrersOf?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ manifest, config }` rather than a manifest: a manifest object and none of a manifest's own fields (the API's rule). */
function isWrapper(value: unknown): value is ClassifyInput {
  return isObject(value) && isObject(value.manifest) && !('layers' in value) && !('manifests' in value) && !('schemaVersion' in value) && !('mediaType' in value);
}

/**
 * Classifies an OCI/Docker image manifest or index: which type it is, the signal that decided it,
 * conformance findings, every violation of the image-spec (`validation`), and whether an index is a
 * referrers list (`referrersList`). Takes the manifest (and the config blob, tag or referrers subject in
 * `options`), or the `{ manifest, config, tag, referrersOf }` body POST /v1/classify takes. Never
 * throws: input that is not a manifest comes back with `error`, its pointer into the input as given.
 */
export function classify(manifest: unknown, options?: ClassifyOptions): Classification;
export function classify(input: ClassifyInput): Classification;
export function classify(input: unknown, options: ClassifyOptions = {}): Classification {
  const given: ClassifyOptions = options !== null && typeof options === 'object' ? options : {};
  let manifest = input;
  let { config, tag, referrersOf } = given;
  let prefix = '';
  if (isWrapper(input)) {
    const extra = Object.keys(input).find((k) => !WRAPPER_FIELDS.has(k));
    if (extra) return wrapperError(`/${extra}`, `unknown field /${extra}: the { manifest, config, tag, referrersOf } form takes only those fields`);
    if (config !== undefined && input.config !== undefined) return wrapperError('/config', 'the config is given twice: in { manifest, config } and in options.config; give it once');
    manifest = input.manifest;
    config ??= input.config;
    tag ??= input.tag;
    referrersOf ??= input.referrersOf;
    prefix = '/manifest';
  }
  const result = classifyWithLookup(lookupOf(), manifest, {
    validateConfig,
    ...(config === undefined ? {} : { config }),
    ...(typeof tag === 'string' ? { tag } : {}),
    ...(typeof referrersOf === 'string' ? { referrersOf } : {}),
  }) as Classification;
  if (prefix && result.error) result.error = { ...result.error, pointer: `${prefix}${result.error.pointer}` };
  return result;
}

const WRAPPER_FIELDS = new Set(['manifest', 'config', 'tag', 'referrersOf']);

function wrapperError(pointer: string, message: string): Classification {
  return {
    id: null, displayName: null, signal: null, matched: null, kind: null,
    mediaTypes: { manifest: null, artifactType: null, config: null, layers: [] },
    conformance: [], validation: [], error: { pointer, message },
  };
}

/** The type's logo as SVG text (by id or alias), or undefined for an unknown id. */
export function logoSvg(id: ArtifactTypeId): string;
export function logoSvg(id: string): string | undefined;
export function logoSvg(id: string): string | undefined {
  const type = getType(id);
  return type ? logos.get(type.id) : undefined;
}
