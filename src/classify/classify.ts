// The one classification: manifest (+ optional config object) → type, signal, conformance.
// Pure and dependency-free: the npm package ships this file as is.
import type { Classification, ConfigValidator, ConformanceFinding, ReferrersList, Signal } from '../model/classification.ts';
import type { ArtifactType } from '../model/catalog.ts';
import { EMPTY_MEDIA_TYPE, lookupKeyValue, lookupMediaType, type Declared, type Lookup } from './lookup.ts';
import { mediaTypeEssence } from './media-type.ts';
import { referrersList, referrersListFindings } from './referrers.ts';
import { validateManifest } from './validate.ts';

export type { ConfigValidator };

export interface ClassifyOptions {
  /** The config blob, parsed, to check config labels and the type's config schema. */
  config?: unknown;
  validateConfig?: ConfigValidator;
  /** The tag the manifest was fetched by: `<alg>-<hex>` marks a referrers list (the referrers tag schema). */
  tag?: string;
  /** The subject digest, when the index is a registry's answer to GET /v2/<name>/referrers/<digest>. */
  referrersOf?: string;
}

type Json = Record<string, unknown>;

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const MANIFEST_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * A matched annotation or label value as text. Key-only matchers accept any value, and String() throws
 * on objects such as {"toString": 1} or null-prototype ones, so non-strings are shown as JSON.
 */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** Escapes a key for a JSON pointer (RFC 6901). */
function esc(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function empty(kind: Classification['kind']): Classification {
  return {
    id: null,
    displayName: null,
    signal: null,
    matched: null,
    kind,
    mediaTypes: { manifest: null, artifactType: null, config: null, layers: [] },
    conformance: [],
    validation: [],
  };
}

function invalid(pointer: string, message: string, kind: Classification['kind'] = null, validation: Classification['validation'] = []): Classification {
  return { ...empty(kind), validation, error: { pointer, message } };
}

/** Checks the shape classification relies on; returns the first problem. */
function shapeError(manifest: Json, kind: 'manifest' | 'index'): { pointer: string; message: string } | null {
  if (manifest.schemaVersion !== undefined && manifest.schemaVersion !== 2) {
    return { pointer: '/schemaVersion', message: 'schemaVersion must be 2' };
  }
  for (const field of ['artifactType', 'mediaType'] as const) {
    if (manifest[field] !== undefined && typeof manifest[field] !== 'string') {
      return { pointer: `/${field}`, message: `${field} must be a string` };
    }
  }
  if (manifest.annotations !== undefined && !isObject(manifest.annotations)) {
    return { pointer: '/annotations', message: 'annotations must be an object of strings' };
  }
  const list = kind === 'manifest' ? 'layers' : 'manifests';
  if (kind === 'manifest' && !isObject(manifest.config)) return { pointer: '/config', message: 'config must be a descriptor object' };
  // cnab-to-oci writes "layers": null (a nil Go slice): readable, so classified; validation reports it.
  if (kind === 'manifest' ? manifest.layers !== undefined && manifest.layers !== null && !Array.isArray(manifest.layers) : !Array.isArray(manifest.manifests)) {
    return { pointer: `/${list}`, message: `${list} must be an array of descriptors` };
  }
  const first = kind === 'manifest' ? descriptorError('/config', manifest.config) : null;
  if (first) return first;
  // An index loop that stops at the first problem: forEach would skip the holes of a sparse array.
  const entries = (manifest[list] as unknown[] | undefined) ?? [];
  for (let i = 0; i < entries.length; i++) {
    const problem = descriptorError(list, entries[i], i);
    if (problem) return problem;
  }
  return manifest.subject === undefined ? null : descriptorError('/subject', manifest.subject);
}

/** The first problem of a descriptor at `at` (or at /<at>/<index>; the pointer is only built for a problem). */
function descriptorError(at: string, descriptor: unknown, index?: number): { pointer: string; message: string } | null {
  if (isObject(descriptor) && typeof descriptor.mediaType === 'string' && (descriptor.annotations === undefined || isObject(descriptor.annotations))) return null;
  const pointer = index === undefined ? at : `/${at}/${index}`;
  if (!isObject(descriptor)) return { pointer, message: 'must be a descriptor object with mediaType, digest and size' };
  if (typeof descriptor.mediaType !== 'string') return { pointer: `${pointer}/mediaType`, message: 'mediaType must be a string' };
  if (descriptor.annotations !== undefined && !isObject(descriptor.annotations)) {
    return { pointer: `${pointer}/annotations`, message: 'annotations must be an object of strings' };
  }
  return null;
}

function kindOf(manifest: Json): 'manifest' | 'index' | null {
  const mediaType = str(manifest.mediaType);
  if (mediaType !== null) {
    const essence = mediaTypeEssence(mediaType);
    if (INDEX_TYPES.has(essence)) return 'index';
    if (MANIFEST_TYPES.has(essence)) return 'manifest';
  }
  // Older clients omit mediaType (image-spec: SHOULD, not MUST): judge by shape.
  if ('manifests' in manifest) return 'index';
  if ('config' in manifest || 'layers' in manifest) return 'manifest';
  return null;
}

interface Match {
  id: string;
  signal: Signal;
  pointer: string;
  value: string;
}

function matchAnnotations(lookup: Lookup, on: 'manifest' | 'layer' | 'entry' | 'config', base: string, annotations: unknown): Match | null {
  const keys = lookup.annotation[on];
  if (keys.size === 0 || !isObject(annotations)) return null;
  for (const key of Object.keys(annotations)) {
    if (!keys.has(key)) continue;
    const value = annotations[key];
    const id = lookupKeyValue(keys, key, value);
    if (id !== undefined) return { id, signal: 'annotation', pointer: `${base}/annotations/${esc(key)}`, value: shown(value) };
  }
  return null;
}

function findMatch(lookup: Lookup, manifest: Json, kind: 'manifest' | 'index', config: unknown): Match | null {
  const artifactType = str(manifest.artifactType);
  if (artifactType !== null) {
    const id = lookupMediaType(lookup.artifactType, artifactType);
    if (id !== undefined) return { id, signal: 'artifactType', pointer: '/artifactType', value: artifactType };
  }
  const configDescriptor = kind === 'manifest' ? (manifest.config as Json) : null;
  const configType = configDescriptor ? str(configDescriptor.mediaType) : null;
  if (configType !== null && mediaTypeEssence(configType) !== EMPTY_MEDIA_TYPE) {
    const id = lookupMediaType(lookup.config, configType);
    if (id !== undefined) return { id, signal: 'config', pointer: '/config/mediaType', value: configType };
  }
  // Indexed loops, not entries()/reduce: this is the hot path of every lookup.
  const layers = kind === 'manifest' && Array.isArray(manifest.layers) ? (manifest.layers as Json[]) : [];
  if (lookup.layer.size > 0) {
    for (let i = 0; i < layers.length; i++) {
      const mediaType = layers[i]!.mediaType as string;
      const id = lookupMediaType(lookup.layer, mediaType);
      if (id !== undefined) return { id, signal: 'layer', pointer: `/layers/${i}/mediaType`, value: mediaType };
    }
  }
  const manifestAnnotation = matchAnnotations(lookup, 'manifest', '', manifest.annotations);
  if (manifestAnnotation) return manifestAnnotation;
  const configAnnotation = configDescriptor ? matchAnnotations(lookup, 'config', '/config', configDescriptor.annotations) : null;
  if (configAnnotation) return configAnnotation;
  for (let i = 0; i < layers.length; i++) {
    const found = matchAnnotations(lookup, 'layer', `/layers/${i}`, layers[i]!.annotations);
    if (found) return found;
  }
  const entries = kind === 'index' ? (manifest.manifests as Json[]) : [];
  for (let i = 0; i < entries.length; i++) {
    const found = matchAnnotations(lookup, 'entry', `/manifests/${i}`, entries[i]!.annotations);
    if (found) return found;
  }
  const labels = isObject(config) && isObject(config.config) ? config.config.Labels : undefined;
  if (isObject(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      const id = lookupKeyValue(lookup.label, key, value);
      if (id !== undefined) return { id, signal: 'configLabel', pointer: `/config/Labels/${esc(key)}`, value: shown(value) };
    }
  }
  if (configType !== null) {
    const id = lookupMediaType(lookup.genericConfig, configType);
    if (id !== undefined) return { id, signal: 'fallback', pointer: '/config/mediaType', value: configType };
  }
  const manifestType = str(manifest.mediaType) ?? (kind === 'index' ? OCI_INDEX : OCI_MANIFEST);
  const id = lookupMediaType(lookup.genericManifest, manifestType);
  if (id !== undefined) return { id, signal: 'fallback', pointer: '/mediaType', value: manifestType };
  return null;
}

function conformance(type: ArtifactType, declared: Declared, manifest: Json, kind: 'manifest' | 'index', options: ClassifyOptions): ConformanceFinding[] {
  const findings: ConformanceFinding[] = [];
  const manifestType = str(manifest.mediaType);
  if (manifestType !== null && !declared.manifest.has(mediaTypeEssence(manifestType))) {
    findings.push({ code: 'manifest-media-type', severity: 'warning', path: '/mediaType', message: `${type.displayName} is not pushed as ${manifestType}; expected ${type.manifestMediaTypes.map((m) => m.mediaType).join(' or ')}` });
  }
  if (kind === 'manifest') {
    const config = manifest.config as Json;
    const configType = config.mediaType as string;
    const configEssence = mediaTypeEssence(configType);
    const isEmpty = configEssence === EMPTY_MEDIA_TYPE;
    if (isEmpty && str(manifest.artifactType) === null) {
      findings.push({ code: 'missing-artifact-type', severity: 'error', path: '/artifactType', message: 'config is the empty descriptor, so artifactType must be set (image-spec manifest.md)' });
    }
    if (!isEmpty && declared.config.size > 0 && !declared.config.has(configEssence)) {
      findings.push({ code: 'undeclared-config', severity: 'warning', path: '/config/mediaType', message: `config media type ${configType} is not one ${type.displayName} declares` });
    }
    const layers = Array.isArray(manifest.layers) ? (manifest.layers as Json[]) : [];
    if (declared.layers.size > 0) {
      let hasRequired = false;
      for (let i = 0; i < layers.length; i++) {
        const essence = mediaTypeEssence(layers[i]!.mediaType as string);
        if (declared.required.has(essence)) hasRequired = true;
        if (essence !== EMPTY_MEDIA_TYPE && !declared.layers.has(essence)) {
          findings.push({ code: 'undeclared-layer', severity: 'warning', path: `/layers/${i}/mediaType`, message: `layer media type ${layers[i]!.mediaType as string} is not one ${type.displayName} declares` });
        }
      }
      if (declared.required.size > 0 && !hasRequired) {
        const required = type.layers.filter((l) => l.required);
        findings.push({ code: 'missing-layer', severity: 'error', path: '/layers', message: `${type.displayName} needs a layer of type ${required.map((l) => l.mediaType).join(' or ')} (${required[0]!.description})` });
      }
    }
  }
  if (options.config !== undefined && type.configSchema && options.validateConfig) {
    for (const error of options.validateConfig(type.id, options.config) ?? []) {
      findings.push({ code: 'config-schema', severity: 'error', path: `/config${error.pointer}`, message: error.message });
    }
  }
  return findings;
}

/** Classifies an OCI/Docker image manifest or index. Never throws: bad input comes back in `error`. */
export function classify(lookup: Lookup, manifest: unknown, options: ClassifyOptions = {}): Classification {
  const validation = validateManifest(manifest, options.config);
  if (!isObject(manifest)) return invalid('', 'a manifest must be a JSON object', null, validation);
  const kind = kindOf(manifest);
  if (kind === null) {
    return invalid('', 'not an OCI image manifest or index: expected "config" and "layers" (manifest) or "manifests" (index)', null, validation);
  }
  const problem = shapeError(manifest, kind);
  if (problem) return invalid(problem.pointer, problem.message, kind, validation);

  const result = empty(kind);
  result.validation = validation;
  const subject = manifest.subject as Json | undefined;
  if (subject && typeof subject.digest === 'string') result.subject = { mediaType: subject.mediaType as string, digest: subject.digest };
  result.mediaTypes = {
    manifest: str(manifest.mediaType),
    artifactType: str(manifest.artifactType),
    config: kind === 'manifest' ? ((manifest.config as Json).mediaType as string) : null,
    layers: kind === 'manifest' && Array.isArray(manifest.layers) ? (manifest.layers as Json[]).map((l) => l.mediaType as string) : [],
  };
  const list: ReferrersList | null = kind === 'index' ? referrersList(lookup, manifest, options) : null;
  const match = findMatch(lookup, manifest, kind, options.config);
  if (list) {
    // A list of referrers is what is attached to its subject, not an artifact (nor a multi-platform
    // image: the fallback never names it). A type that marks its own referrers index (GitHub's Actions
    // packages annotate theirs) still names it, by that stronger signal.
    result.referrersList = list;
    result.validation = [...validation, ...referrersListFindings(manifest)];
    if (!match || match.signal === 'fallback') return result;
  }
  const type = match ? lookup.types.get(match.id) : undefined;
  if (!match || !type) return result;
  result.id = type.id;
  result.displayName = type.displayName;
  result.signal = match.signal;
  result.matched = { pointer: match.pointer, value: match.value };
  result.conformance = conformance(type, lookup.declared.get(type.id)!, manifest, kind, options);
  return result;
}
