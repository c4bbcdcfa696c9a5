// Parses `<registry>/<repository>[:<tag>|@<digest>]` and decides the scheme: plain HTTP only for the
// local machine, HTTPS for everything else (credentials and catalogs must not cross a network in clear).
import { RegistryError } from './errors.ts';

export interface Reference {
  /** host[:port], as typed (lowercased). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

// Grammar from the distribution-spec (spec.md, "Pulling manifests").
const REPOSITORY = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)(:[0-9]{1,5})?$/;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function usage(message: string): RegistryError {
  return new RegistryError(message, { code: 'REFERENCE_INVALID' });
}

/** The host part of a registry (without port), lowercased. */
export function registryHost(registry: string): string {
  return registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.split(':')[0]!;
}

export function isLocalRegistry(registry: string): boolean {
  return LOCAL_HOSTS.has(registryHost(registry).toLowerCase());
}

/**
 * Accepts `host[:port]`, `http://host[:port]` or `https://host[:port]` (a trailing slash or `/v2/` is
 * ignored) and returns the registry and its base URL. `http://` is refused for any host but this machine.
 */
export function parseRegistry(text: string): { registry: string; baseUrl: string } {
  let rest = text.trim();
  let scheme: 'http' | 'https' | null = null;
  const match = /^(https?):\/\//i.exec(rest);
  if (match) {
    scheme = match[1]!.toLowerCase() as 'http' | 'https';
    rest = rest.slice(match[0].length);
  }
  rest = rest.replace(/\/(v2\/?)?$/, '');
  if (!HOST.test(rest)) throw usage(`"${text}" is not a registry address; expected host[:port], e.g. 127.0.0.1:5000 or ghcr.io`);
  const registry = rest.toLowerCase();
  const local = isLocalRegistry(registry);
  if (scheme === 'http' && !local) {
    throw usage(`refusing plain HTTP to ${registry}: only localhost and 127.0.0.1 are reached over http://; use https://${registry}`);
  }
  return { registry, baseUrl: `${scheme ?? (local ? 'http' : 'https')}://${registry}` };
}

/** Parses `registry/repository:tag` or `registry/repository@sha256:…` (an `oci://` prefix is allowed). */
export function parseReference(text: string, options: { requireTag?: boolean } = {}): Reference & { baseUrl: string } {
  const input = text.trim().replace(/^oci:\/\//i, '');
  const slash = input.indexOf('/');
  if (slash <= 0) throw usage(`"${text}" is not a reference; expected <registry>/<repository>:<tag>, e.g. 127.0.0.1:5000/artifact-types/catalog:1.0.0`);
  const { registry, baseUrl } = parseRegistry(input.slice(0, slash));
  let path = input.slice(slash + 1);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = path.indexOf('@');
  if (at >= 0) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
    if (!DIGEST.test(digest)) throw usage(`"${digest}" in ${text} is not a sha256 digest (sha256: followed by 64 lowercase hex digits)`);
  }
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw usage(`tag "${tag}" in ${text} is not valid: up to 128 letters, digits, _ . -, not starting with . or -`);
  }
  if (!REPOSITORY.test(path) || path.length > 255) {
    throw usage(`repository "${path}" in ${text} is not valid: lowercase letters and digits separated by . _ __ - or /`);
  }
  if (options.requireTag && !tag) throw usage(`${text} has no tag; add one, e.g. ${registry}/${path}:1.0.0`);
  if (!tag && !digest) tag = 'latest';
  return { registry, repository: path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), baseUrl };
}

export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}
