// Validation against the specs: every rule of the OCI image-spec (v1.1.1) for descriptors, image
// manifests, image indexes and the image config, and of Docker's Image Manifest V2 Schema 2 for its
// manifests and manifest lists. Each finding names the JSON pointer, the rule and the spec section;
// MUST rules are errors, SHOULD rules warnings. Pure and dependency-free (the npm package ships it).
import type { SpecFinding } from '../model/classification.ts';
import { mediaTypeEssence, mediaTypeProblems } from './media-type.ts';

type Json = Record<string, unknown>;

const IMAGE_SPEC = 'https://github.com/opencontainers/image-spec/blob/v1.1.1';
const DOCKER_SPEC = 'https://github.com/distribution/distribution/blob/v3.1.1/docs/content/spec/manifest-v2-2.md';
export const SPEC = {
  descriptor: `${IMAGE_SPEC}/descriptor.md#properties`,
  digests: `${IMAGE_SPEC}/descriptor.md#digests`,
  sha256: `${IMAGE_SPEC}/descriptor.md#sha-256`,
  sha512: `${IMAGE_SPEC}/descriptor.md#sha-512`,
  annotations: `${IMAGE_SPEC}/annotations.md#rules`,
  manifest: `${IMAGE_SPEC}/manifest.md#image-manifest-property-descriptions`,
  artifactUsage: `${IMAGE_SPEC}/manifest.md#guidelines-for-artifact-usage`,
  index: `${IMAGE_SPEC}/image-index.md#image-index-property-descriptions`,
  config: `${IMAGE_SPEC}/config.md#properties`,
  dockerManifest: `${DOCKER_SPEC}#image-manifest-field-descriptions`,
  dockerList: `${DOCKER_SPEC}#manifest-list-field-descriptions`,
} as const;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const EMPTY = 'application/vnd.oci.empty.v1+json';

/** descriptor.md "Digests": the grammar, and the encoded form of the registered algorithms. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** The common case, valid in one test. */
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const REGISTERED: Record<string, { pattern: RegExp; length: number; spec: string }> = {
  sha256: { pattern: /^[a-f0-9]{64}$/, length: 64, spec: SPEC.sha256 },
  sha512: { pattern: /^[a-f0-9]{128}$/, length: 128, spec: SPEC.sha512 },
};
/** RFC 4648 section 4 (the standard alphabet, padded). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 3986 URI: a scheme, then only unreserved, reserved and percent-encoded characters. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
/** RFC 3339 section 5.6 date-time (config.md "created"). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const INT64_LIMIT = 2 ** 63;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function esc(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function kindName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' || typeof value === 'undefined' ? `an ${typeof value}` : `a ${typeof value}`;
}

export type ManifestFormat = 'oci-manifest' | 'oci-index' | 'docker-manifest' | 'docker-list';

/** A hostile manifest (100,000 bad layers, a sparse array of length 2^32-1) gets this many findings, then a note. */
export const MAX_FINDINGS = 1000;

class Findings {
  readonly list: SpecFinding[] = [];
  /** Set once MAX_FINDINGS are recorded: loops over arrays stop. */
  full = false;
  private add(finding: SpecFinding): void {
    if (this.full) return;
    if (this.list.length === MAX_FINDINGS) {
      this.full = true;
      this.list.push({ code: 'too-many-findings', severity: 'error', path: '', message: `more than ${MAX_FINDINGS} violations; the rest are not listed`, spec: finding.spec });
      return;
    }
    this.list.push(finding);
  }
  error(code: string, path: string, message: string, spec: string): void {
    this.add({ code, severity: 'error', path, message, spec });
  }
  warning(code: string, path: string, message: string, spec: string): void {
    this.add({ code, severity: 'warning', path, message, spec });
  }
}

/** type/subtype of RFC 6838 restricted-names and no parameters: valid without the full parse (the common case). */
const PLAIN_MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&\-^_.+]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&\-^_.+]{0,126}$/;

/** RFC 6838 section 4.2 naming (the rule every media type field of the image-spec points to). */
function mediaTypeRule(f: Findings, code: string, path: string, value: string, spec: string): void {
  if (PLAIN_MEDIA_TYPE.test(value)) return;
  const problems = mediaTypeProblems(value).filter((p) => p.code !== 'uppercase' && p.code !== 'top-level');
  if (problems.length > 0) f.error(code, path, `"${value.slice(0, 200)}" is not an RFC 6838 media type: ${problems.map((p) => p.message).join('; ')}`, spec);
}

/** annotations.md "Rules": a map of string keys to string values. */
function annotationsRule(f: Findings, path: string, value: unknown, what = 'annotations'): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    f.error('annotations', path, `${what} must be a map of strings to strings, not ${kindName(value)}`, SPEC.annotations);
    return;
  }
  for (const key of Object.keys(value)) {
    if (f.full) return;
    if (typeof value[key] !== 'string') f.error('annotations', `${path}/${esc(key)}`, `${what} values must be strings; "${key.slice(0, 100)}" is ${kindName(value[key])}`, SPEC.annotations);
  }
}

function digestRule(f: Findings, path: string, value: unknown, spec: string): void {
  if (value === undefined) {
    f.error('descriptor-digest', path, 'digest is required', spec);
    return;
  }
  if (typeof value !== 'string') {
    f.error('descriptor-digest', path, `digest must be a string, not ${kindName(value)}`, spec);
    return;
  }
  if (SHA256.test(value)) return;
  if (!DIGEST.test(value)) {
    f.error('descriptor-digest', path, `"${value.slice(0, 200)}" is not a digest: expected algorithm:encoded, e.g. sha256:<64 lowercase hex>`, SPEC.digests);
    return;
  }
  const colon = value.indexOf(':');
  const registered = REGISTERED[value.slice(0, colon)];
  // Unregistered algorithms that follow the grammar pass (descriptor.md: implementations SHOULD allow them).
  if (registered && !registered.pattern.test(value.slice(colon + 1))) {
    f.error('digest-encoding', path, `a ${value.slice(0, colon)} digest must be ${registered.length} lowercase hex characters (got ${value.length - colon - 1}${/[A-F]/.test(value) ? ', with upper case' : ''})`, registered.spec);
  }
}

interface DescriptorRules {
  /** Docker schema 2 descriptors: mediaType, size, digest and urls, by Docker's spec. */
  docker?: boolean;
  /** An index entry: platform is checked too. */
  entry?: boolean;
}

function descriptorRule(f: Findings, path: string, value: unknown, rules: DescriptorRules = {}): void {
  const spec = rules.docker ? (rules.entry ? SPEC.dockerList : SPEC.dockerManifest) : SPEC.descriptor;
  if (!isObject(value)) {
    f.error('descriptor', path, `must be a descriptor object with mediaType, digest and size, not ${kindName(value)}`, spec);
    return;
  }
  if (value.mediaType === undefined) f.error('descriptor-media-type', `${path}/mediaType`, 'mediaType is required', spec);
  else if (typeof value.mediaType !== 'string') f.error('descriptor-media-type', `${path}/mediaType`, `mediaType must be a string, not ${kindName(value.mediaType)}`, spec);
  else mediaTypeRule(f, 'descriptor-media-type', `${path}/mediaType`, value.mediaType, spec);
  digestRule(f, `${path}/digest`, value.digest, spec);
  const size = value.size;
  if (size === undefined) f.error('descriptor-size', `${path}/size`, 'size is required', spec);
  else if (typeof size !== 'number') f.error('descriptor-size', `${path}/size`, `size must be a number (int64), not ${kindName(size)}${typeof size === 'string' ? ` "${size.slice(0, 40)}"` : ''}`, spec);
  else if (!Number.isInteger(size) || size < 0 || size >= INT64_LIMIT) f.error('descriptor-size', `${path}/size`, `size must be a non-negative whole number of bytes (int64), not ${size}`, spec);
  if (value.urls !== undefined) {
    if (!Array.isArray(value.urls)) f.error('descriptor-urls', `${path}/urls`, `urls must be an array of strings, not ${kindName(value.urls)}`, spec);
    else {
      for (let i = 0; i < value.urls.length && !f.full; i++) {
        const url: unknown = value.urls[i];
        if (typeof url !== 'string' || !URI.test(url)) f.error('descriptor-urls', `${path}/urls/${i}`, `each URL must be an RFC 3986 URI${typeof url === 'string' ? `; "${url.slice(0, 200)}" is not` : `, not ${kindName(url)}`}`, spec);
        else if (!/^https?:/i.test(url)) f.warning('descriptor-url-scheme', `${path}/urls/${i}`, `URLs should use the http or https scheme; "${url.slice(0, 200)}" does not`, spec);
      }
    }
  }
  if (rules.docker) {
    if (rules.entry) dockerPlatformRule(f, `${path}/platform`, value.platform);
    return;
  }
  annotationsRule(f, `${path}/annotations`, value.annotations);
  if (value.data !== undefined) {
    if (typeof value.data !== 'string' || !BASE64.test(value.data)) {
      f.error('descriptor-data', `${path}/data`, `data must be RFC 4648 base64 (standard alphabet, padded)${typeof value.data === 'string' ? '' : `, not ${kindName(value.data)}`}`, SPEC.descriptor);
    } else if (typeof size === 'number') {
      const decoded = (value.data.length / 4) * 3 - (value.data.endsWith('==') ? 2 : value.data.endsWith('=') ? 1 : 0);
      if (decoded !== size) f.error('descriptor-data', `${path}/data`, `data decodes to ${decoded} bytes but size is ${size}; the embedded data must be identical to the referenced content`, SPEC.descriptor);
    }
  }
  if (value.artifactType !== undefined) {
    if (typeof value.artifactType !== 'string') f.error('descriptor-artifact-type', `${path}/artifactType`, `artifactType must be a string, not ${kindName(value.artifactType)}`, SPEC.descriptor);
    else mediaTypeRule(f, 'descriptor-artifact-type', `${path}/artifactType`, value.artifactType, SPEC.descriptor);
  }
  if (rules.entry && value.platform !== undefined) ociPlatformRule(f, `${path}/platform`, value.platform);
}

function stringFields(f: Findings, code: string, path: string, object: Json, required: string[], optional: string[], spec: string): void {
  for (const key of required) {
    if (object[key] === undefined) f.error(code, `${path}/${esc(key)}`, `${key} is required`, spec);
    else if (typeof object[key] !== 'string') f.error(code, `${path}/${esc(key)}`, `${key} must be a string, not ${kindName(object[key])}`, spec);
  }
  for (const key of optional) {
    if (object[key] !== undefined && typeof object[key] !== 'string') f.error(code, `${path}/${esc(key)}`, `${key} must be a string, not ${kindName(object[key])}`, spec);
  }
}

function stringArray(f: Findings, code: string, path: string, value: unknown, what: string, spec: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) f.error(code, path, `${what} must be an array of strings, not ${kindName(value)}`, spec);
  else for (let i = 0; i < value.length && !f.full; i++) if (typeof value[i] !== 'string') f.error(code, `${path}/${i}`, `${what} entries must be strings, not ${kindName(value[i])}`, spec);
}

/** image-index.md "platform": architecture and os REQUIRED, the rest typed. */
function ociPlatformRule(f: Findings, path: string, platform: unknown): void {
  if (!isObject(platform)) {
    f.error('platform', path, `platform must be an object, not ${kindName(platform)}`, SPEC.index);
    return;
  }
  stringFields(f, 'platform', path, platform, ['architecture', 'os'], ['os.version', 'variant'], SPEC.index);
  stringArray(f, 'platform', `${path}/os.features`, platform['os.features'], 'os.features', SPEC.index);
}

/** Docker's manifest list gives every entry a platform with architecture and os. */
function dockerPlatformRule(f: Findings, path: string, platform: unknown): void {
  if (platform === undefined) {
    f.error('platform', path, 'a manifest list entry needs a platform (architecture and os)', SPEC.dockerList);
    return;
  }
  if (!isObject(platform)) {
    f.error('platform', path, `platform must be an object, not ${kindName(platform)}`, SPEC.dockerList);
    return;
  }
  stringFields(f, 'platform', path, platform, ['architecture', 'os'], ['os.version', 'variant'], SPEC.dockerList);
  stringArray(f, 'platform', `${path}/os.features`, platform['os.features'], 'os.features', SPEC.dockerList);
  stringArray(f, 'platform', `${path}/features`, platform.features, 'features', SPEC.dockerList);
}

/** Which format the content is, by its fields: an index has manifests, a manifest config or layers. */
function contentKind(manifest: Json): 'manifest' | 'index' | null {
  if ('manifests' in manifest) return 'index';
  if ('config' in manifest || 'layers' in manifest) return 'manifest';
  return null;
}

/** The format a manifest is validated as: its mediaType when it names one, else its content. */
export function manifestFormat(manifest: Json): ManifestFormat | null {
  const mediaType = typeof manifest.mediaType === 'string' ? mediaTypeEssence(manifest.mediaType) : null;
  if (mediaType === DOCKER_MANIFEST) return 'docker-manifest';
  if (mediaType === DOCKER_LIST) return 'docker-list';
  if (mediaType === OCI_INDEX) return 'oci-index';
  if (mediaType === OCI_MANIFEST) return 'oci-manifest';
  const kind = contentKind(manifest);
  return kind === 'index' ? 'oci-index' : kind === 'manifest' ? 'oci-manifest' : null;
}

function schemaVersionRule(f: Findings, manifest: Json, spec: string): void {
  if (manifest.schemaVersion === undefined) f.error('schema-version', '/schemaVersion', 'schemaVersion is required and must be 2', spec);
  else if (manifest.schemaVersion !== 2) f.error('schema-version', '/schemaVersion', `schemaVersion must be 2, not ${typeof manifest.schemaVersion === 'number' ? manifest.schemaVersion : kindName(manifest.schemaVersion)}`, spec);
}

/** mediaType: SHOULD be present (OCI), MUST name the format when present, and must agree with the content. */
function mediaTypeFieldRule(f: Findings, manifest: Json, format: ManifestFormat, spec: string): void {
  const expected = { 'oci-manifest': OCI_MANIFEST, 'oci-index': OCI_INDEX, 'docker-manifest': DOCKER_MANIFEST, 'docker-list': DOCKER_LIST }[format];
  const value = manifest.mediaType;
  if (value === undefined) {
    f.warning('media-type', '/mediaType', `mediaType should be set to ${expected}`, spec);
  } else if (typeof value !== 'string') {
    f.error('media-type', '/mediaType', `mediaType must be a string, not ${kindName(value)}`, spec);
  } else if (value !== expected) {
    f.error('media-type', '/mediaType', `mediaType must be ${expected}, not "${value.slice(0, 200)}"`, spec);
  }
  const kind = contentKind(manifest);
  const isIndex = format === 'oci-index' || format === 'docker-list';
  if (kind !== null && (kind === 'index') !== isIndex) {
    f.error('media-type-content', '/mediaType', `mediaType says ${isIndex ? 'an index' : 'a manifest'} but the content is ${kind === 'index' ? 'an index (it has manifests)' : 'a manifest (it has config or layers)'}`, spec);
  }
  if ('manifests' in manifest && ('config' in manifest || 'layers' in manifest)) {
    f.error('media-type-content', '', 'has both manifests (an index) and config or layers (a manifest); a reader cannot tell which it is', spec);
  }
}

function artifactTypeRule(f: Findings, manifest: Json, spec: string): void {
  if (manifest.artifactType === undefined) return;
  if (typeof manifest.artifactType !== 'string') f.error('artifact-type', '/artifactType', `artifactType must be a string, not ${kindName(manifest.artifactType)}`, spec);
  else mediaTypeRule(f, 'artifact-type', '/artifactType', manifest.artifactType, spec);
}

function ociManifest(f: Findings, manifest: Json): void {
  schemaVersionRule(f, manifest, SPEC.manifest);
  mediaTypeFieldRule(f, manifest, 'oci-manifest', SPEC.manifest);
  artifactTypeRule(f, manifest, SPEC.manifest);
  if (manifest.config === undefined) f.error('config', '/config', 'config is required (a descriptor)', SPEC.manifest);
  else descriptorRule(f, '/config', manifest.config);
  const configType = isObject(manifest.config) && typeof manifest.config.mediaType === 'string' ? mediaTypeEssence(manifest.config.mediaType) : null;
  if (configType === EMPTY && manifest.artifactType === undefined) {
    f.error('artifact-type-required', '/artifactType', `artifactType must be set when config.mediaType is the empty value ${EMPTY}`, SPEC.artifactUsage);
  }
  if (manifest.layers === undefined) f.error('layers', '/layers', 'layers is required (an array of descriptors; the JSON schema requires it)', SPEC.manifest);
  else if (!Array.isArray(manifest.layers)) f.error('layers', '/layers', `layers must be an array of descriptors, not ${kindName(manifest.layers)}`, SPEC.manifest);
  else {
    if (manifest.layers.length === 0) f.warning('layers-empty', '/layers', 'layers should have at least one entry (for portability; the empty descriptor where there is no content)', SPEC.manifest);
    for (let i = 0; i < manifest.layers.length && !f.full; i++) descriptorRule(f, `/layers/${i}`, manifest.layers[i]);
  }
  if (manifest.subject !== undefined) descriptorRule(f, '/subject', manifest.subject);
  annotationsRule(f, '/annotations', manifest.annotations);
}

function ociIndex(f: Findings, manifest: Json): void {
  schemaVersionRule(f, manifest, SPEC.index);
  mediaTypeFieldRule(f, manifest, 'oci-index', SPEC.index);
  artifactTypeRule(f, manifest, SPEC.index);
  if (manifest.manifests === undefined) f.error('manifests', '/manifests', 'manifests is required (an array of descriptors, which may be empty)', SPEC.index);
  else if (!Array.isArray(manifest.manifests)) f.error('manifests', '/manifests', `manifests must be an array of descriptors, not ${kindName(manifest.manifests)}`, SPEC.index);
  else for (let i = 0; i < manifest.manifests.length && !f.full; i++) descriptorRule(f, `/manifests/${i}`, manifest.manifests[i], { entry: true });
  if (manifest.subject !== undefined) descriptorRule(f, '/subject', manifest.subject);
  annotationsRule(f, '/annotations', manifest.annotations);
}

function dockerManifest(f: Findings, manifest: Json): void {
  schemaVersionRule(f, manifest, SPEC.dockerManifest);
  mediaTypeFieldRule(f, manifest, 'docker-manifest', SPEC.dockerManifest);
  if (manifest.config === undefined) f.error('config', '/config', 'config is required (mediaType, size and digest)', SPEC.dockerManifest);
  else descriptorRule(f, '/config', manifest.config, { docker: true });
  if (manifest.layers === undefined) f.error('layers', '/layers', 'layers is required', SPEC.dockerManifest);
  else if (!Array.isArray(manifest.layers)) f.error('layers', '/layers', `layers must be an array, not ${kindName(manifest.layers)}`, SPEC.dockerManifest);
  else for (let i = 0; i < manifest.layers.length && !f.full; i++) descriptorRule(f, `/layers/${i}`, manifest.layers[i], { docker: true });
}

function dockerList(f: Findings, manifest: Json): void {
  schemaVersionRule(f, manifest, SPEC.dockerList);
  mediaTypeFieldRule(f, manifest, 'docker-list', SPEC.dockerList);
  if (manifest.manifests === undefined) f.error('manifests', '/manifests', 'manifests is required', SPEC.dockerList);
  else if (!Array.isArray(manifest.manifests)) f.error('manifests', '/manifests', `manifests must be an array, not ${kindName(manifest.manifests)}`, SPEC.dockerList);
  else for (let i = 0; i < manifest.manifests.length && !f.full; i++) descriptorRule(f, `/manifests/${i}`, manifest.manifests[i], { docker: true, entry: true });
}

/** config.md "Properties": the OCI image config, checked when the config blob is given. */
function imageConfig(f: Findings, config: unknown): void {
  const spec = SPEC.config;
  if (!isObject(config)) {
    f.error('image-config', '/config', `the image config must be a JSON object, not ${kindName(config)}`, spec);
    return;
  }
  stringFields(f, 'image-config', '/config', config, ['architecture', 'os'], ['author', 'os.version', 'variant'], spec);
  if (config.created !== undefined && (typeof config.created !== 'string' || !DATE_TIME.test(config.created))) {
    f.error('image-config', '/config/created', 'created must be an RFC 3339 date-time string (section 5.6)', spec);
  }
  stringArray(f, 'image-config', '/config/os.features', config['os.features'], 'os.features', spec);
  if (config.rootfs === undefined) f.error('image-config', '/config/rootfs', 'rootfs is required ({"type": "layers", "diff_ids": [...]})', spec);
  else if (!isObject(config.rootfs)) f.error('image-config', '/config/rootfs', `rootfs must be an object, not ${kindName(config.rootfs)}`, spec);
  else {
    if (config.rootfs.type !== 'layers') f.error('image-config', '/config/rootfs/type', `rootfs.type must be "layers"${config.rootfs.type === undefined ? ' (it is required)' : ''}`, spec);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds === undefined) f.error('image-config', '/config/rootfs/diff_ids', 'rootfs.diff_ids is required (an array of layer digests)', spec);
    else if (!Array.isArray(diffIds)) f.error('image-config', '/config/rootfs/diff_ids', `rootfs.diff_ids must be an array of digests, not ${kindName(diffIds)}`, spec);
    else for (let i = 0; i < diffIds.length && !f.full; i++) digestRule(f, `/config/rootfs/diff_ids/${i}`, diffIds[i], spec);
  }
  const run = config.config;
  if (run !== undefined) {
    if (!isObject(run)) f.error('image-config', '/config/config', `config must be an object, not ${kindName(run)}`, spec);
    else {
      stringFields(f, 'image-config', '/config/config', run, [], ['User', 'WorkingDir', 'StopSignal'], spec);
      for (const key of ['Env', 'Entrypoint', 'Cmd']) stringArray(f, 'image-config', `/config/config/${key}`, run[key], key, spec);
      for (const key of ['ExposedPorts', 'Volumes']) if (run[key] !== undefined && !isObject(run[key])) f.error('image-config', `/config/config/${key}`, `${key} must be an object, not ${kindName(run[key])}`, spec);
      annotationsRule(f, '/config/config/Labels', run.Labels, 'Labels');
      if (run.ArgsEscaped !== undefined && typeof run.ArgsEscaped !== 'boolean') f.error('image-config', '/config/config/ArgsEscaped', 'ArgsEscaped must be a boolean', spec);
    }
  }
  if (config.history !== undefined) {
    if (!Array.isArray(config.history)) f.error('image-config', '/config/history', `history must be an array of objects, not ${kindName(config.history)}`, spec);
    else {
      for (let i = 0; i < config.history.length && !f.full; i++) {
        const entry: unknown = config.history[i];
        if (!isObject(entry)) f.error('image-config', `/config/history/${i}`, `history entries must be objects, not ${kindName(entry)}`, spec);
        else {
          stringFields(f, 'image-config', `/config/history/${i}`, entry, [], ['created', 'author', 'created_by', 'comment'], spec);
          if (entry.empty_layer !== undefined && typeof entry.empty_layer !== 'boolean') f.error('image-config', `/config/history/${i}/empty_layer`, 'empty_layer must be a boolean', spec);
        }
      }
    }
  }
}

/**
 * Every violation of the spec rules, in document order. `config` is the config blob, parsed; it is
 * checked as an OCI image config when the manifest's config.mediaType says it is one.
 */
export function validateManifest(manifest: unknown, config?: unknown): SpecFinding[] {
  const f = new Findings();
  if (!isObject(manifest)) {
    f.error('manifest', '', `a manifest must be a JSON object, not ${kindName(manifest)}`, SPEC.manifest);
    return f.list;
  }
  const format = manifestFormat(manifest);
  if (format === null) {
    f.error('manifest', '', 'neither an image manifest (config and layers) nor an image index (manifests)', SPEC.manifest);
    return f.list;
  }
  if (format === 'oci-manifest') ociManifest(f, manifest);
  else if (format === 'oci-index') ociIndex(f, manifest);
  else if (format === 'docker-manifest') dockerManifest(f, manifest);
  else dockerList(f, manifest);
  if (config !== undefined && format === 'oci-manifest' && isObject(manifest.config) && typeof manifest.config.mediaType === 'string' && mediaTypeEssence(manifest.config.mediaType) === OCI_CONFIG) {
    imageConfig(f, config);
  }
  return f.list;
}
