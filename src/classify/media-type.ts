// RFC 6838 media types: parsing, normalization and the OCI naming guidance. Pure, no dependencies.

/** restricted-name (RFC 6838 §4.2): first ALPHA/DIGIT, then ALPHA/DIGIT/! # $ & - ^ _ . +, at most 127. */
const RESTRICTED_NAME = /^[A-Za-z0-9][A-Za-z0-9!#$&\-^_.+]{0,126}$/;
const PARAMETER = /^[A-Za-z0-9][A-Za-z0-9!#$&\-^_.+]{0,126}=(?:[A-Za-z0-9!#$&\-^_.+*'%~`|]+|"[^"\\\r\n]*")$/;

export interface ParsedMediaType {
  type: string;
  subtype: string;
  parameters: string[];
}

/** Top-level types registered with IANA (https://www.iana.org/assignments/top-level-media-types). */
export const IANA_TOP_LEVEL_TYPES = new Set(['application', 'audio', 'example', 'font', 'haptics', 'image', 'message', 'model', 'multipart', 'text', 'video']);

export interface MediaTypeProblem {
  code: 'shape' | 'type-name' | 'top-level' | 'subtype-name' | 'parameter' | 'uppercase' | 'whitespace';
  message: string;
}

/** Splits `type/subtype; a=b` without judging it. Returns null when there is no `/`. */
export function parseMediaType(value: string): ParsedMediaType | null {
  const [essence = '', ...parameters] = value.split(';');
  const slash = essence.indexOf('/');
  if (slash < 0) return null;
  return {
    type: essence.slice(0, slash).trim(),
    subtype: essence.slice(slash + 1).trim(),
    parameters: parameters.map((p) => p.trim()),
  };
}

/** Every way the string breaks RFC 6838 (empty when it is valid and lowercase). */
export function mediaTypeProblems(value: string): MediaTypeProblem[] {
  const problems: MediaTypeProblem[] = [];
  if (/\s/.test(value.replace(/;\s+/g, ';'))) {
    problems.push({ code: 'whitespace', message: 'contains white space (only allowed after ";")' });
  }
  const parsed = parseMediaType(value);
  if (!parsed || parsed.subtype.includes('/')) {
    problems.push({ code: 'shape', message: 'is not of the form type/subtype' });
    return problems;
  }
  if (!RESTRICTED_NAME.test(parsed.type)) {
    problems.push({ code: 'type-name', message: `type "${parsed.type}" is not an RFC 6838 restricted-name (letters, digits and !#$&-^_.+, starting with a letter or digit, at most 127 characters)` });
  } else if (!IANA_TOP_LEVEL_TYPES.has(parsed.type.toLowerCase())) {
    problems.push({ code: 'top-level', message: `top-level type "${parsed.type}" is not registered with IANA (application, text, image, …)` });
  }
  if (!RESTRICTED_NAME.test(parsed.subtype)) {
    problems.push({ code: 'subtype-name', message: `subtype "${parsed.subtype}" is not an RFC 6838 restricted-name (letters, digits and !#$&-^_.+, starting with a letter or digit, at most 127 characters)` });
  }
  for (const parameter of parsed.parameters) {
    if (!PARAMETER.test(parameter)) {
      problems.push({ code: 'parameter', message: `parameter "${parameter}" is not name=value` });
    }
  }
  const essence = `${parsed.type}/${parsed.subtype}`;
  if (essence !== essence.toLowerCase()) {
    problems.push({ code: 'uppercase', message: 'has upper-case letters (media types compare case-insensitively and are written in lower case)' });
  }
  return problems;
}

/** Only lower-case restricted-name characters and slashes: already in normal form. */
const NORMAL = /^[a-z0-9!#$&^_.+/-]*$/;
/** Recent results: classification normalizes the same catalog and manifest strings over and over. Bounded. */
const normalizedCache = new Map<string, string>();
const CACHE = { entries: 1024, length: 256 };

/**
 * The form media types are compared in: type/subtype lower-cased, parameters kept in order with
 * lower-case names and no white space. RFC 6838 compares names case-insensitively.
 */
export function normalizeMediaType(value: string): string {
  const cached = normalizedCache.get(value);
  if (cached !== undefined) return cached;
  // Without upper case, white space or parameters the long way returns the value unchanged.
  const result = NORMAL.test(value) ? value : normalizeSlowly(value);
  if (value.length <= CACHE.length) {
    if (normalizedCache.size >= CACHE.entries) normalizedCache.clear();
    normalizedCache.set(value, result);
  }
  return result;
}

function normalizeSlowly(value: string): string {
  const parsed = parseMediaType(value);
  if (!parsed) return value.trim().toLowerCase();
  const essence = `${parsed.type}/${parsed.subtype}`.toLowerCase();
  const parameters = parsed.parameters
    .filter((p) => p.length > 0)
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? p.toLowerCase() : `${p.slice(0, eq).trim().toLowerCase()}=${p.slice(eq + 1).trim()}`;
    });
  return [essence, ...parameters].join(';');
}

/** The media type without parameters, lower-cased. */
export function mediaTypeEssence(value: string): string {
  const normalized = normalizeMediaType(value);
  const semicolon = normalized.indexOf(';');
  return semicolon < 0 ? normalized : normalized.slice(0, semicolon);
}

/**
 * The OCI artifact authors' guidance (opencontainers/artifacts, artifact-authors.md): identifying types
 * are vendor-tree names, `application/vnd.<org>.<type>…`. Returns why a name does not follow it, or null.
 */
export function ociNamingAdvice(value: string): string | null {
  const essence = mediaTypeEssence(value);
  if (!essence.startsWith('application/')) return 'is not under application/';
  const subtype = essence.slice('application/'.length);
  if (!/^vnd\.[a-z0-9-]+\.[a-z0-9]/.test(subtype)) return 'is not a vendor-tree name application/vnd.<org>.<type>…';
  return null;
}
