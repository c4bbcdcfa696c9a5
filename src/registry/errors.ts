// One error type for everything the registry client reports, with advice for every error code in
// the distribution-spec (spec.md, "Error Codes") plus the ones CNCF distribution adds.
export class RegistryError extends Error {
  readonly code: string;
  readonly status?: number;
  constructor(message: string, options: { code: string; status?: number }) {
    super(message);
    this.name = 'RegistryError';
    this.code = options.code;
    this.status = options.status;
  }
}

/** What each registry error code means for the user, and what to do about it. */
export const ERROR_ADVICE: Readonly<Record<string, string>> = {
  BLOB_UNKNOWN: 'the registry does not have this blob; push the artifact again (or check the digest)',
  BLOB_UPLOAD_INVALID: 'the registry rejected the blob upload; retry the push, and check the registry logs if it persists',
  BLOB_UPLOAD_UNKNOWN: 'the upload session expired or was cancelled; retry the push',
  DIGEST_INVALID: 'the uploaded content does not match its digest; the data was corrupted on the way, retry the push',
  MANIFEST_BLOB_UNKNOWN: 'the manifest references a blob the registry does not have; push its blobs (and child manifests) first',
  MANIFEST_INVALID: 'the registry rejected the manifest as invalid; check its media type and fields against the OCI image-spec',
  MANIFEST_UNKNOWN: 'no manifest with this tag or digest; check the reference (artifact-types ls <registry> lists what is there)',
  MANIFEST_UNVERIFIED: 'the manifest signature could not be verified; push it again',
  NAME_INVALID: 'the repository name is not valid; use lowercase letters and digits separated by . _ - or /',
  NAME_UNKNOWN: 'the repository does not exist in this registry; check the name (artifact-types ls <registry> lists repositories)',
  SIZE_INVALID: 'the content length does not match the declared size; retry the push',
  TAG_INVALID: 'the tag is not valid; use up to 128 letters, digits, _ . -',
  UNAUTHORIZED: 'authentication required; pass --username and --password (or set ARTIFACT_TYPES_REGISTRY_USERNAME and ARTIFACT_TYPES_REGISTRY_PASSWORD)',
  DENIED: 'access denied for these credentials; check that the user may push/pull this repository',
  UNSUPPORTED: 'the registry does not support this operation or media type; check its version and configuration',
  TOOMANYREQUESTS: 'the registry is rate-limiting you; wait a while and retry (or authenticate for a higher limit)',
  PAGINATION_NUMBER_INVALID: 'the registry rejected the page size; retry with a smaller --page-size',
  RANGE_INVALID: 'the registry rejected a chunk range; retry the push',
  UNAVAILABLE: 'the registry is temporarily unavailable; retry later',
  UNKNOWN: 'the registry reported an unknown error; check the registry logs',
};

/** Fallback codes for answers without an error body. */
export function codeForStatus(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return 'NAME_UNKNOWN';
  if (status === 405) return 'UNSUPPORTED';
  if (status === 413) return 'SIZE_INVALID';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 503) return 'UNAVAILABLE';
  return 'UNKNOWN';
}

interface ErrorBody {
  errors?: Array<{ code?: unknown; message?: unknown }>;
}

/** Turns a registry's non-success answer into a RegistryError that says what happened and what to do. */
export function registryErrorFrom(status: number, bodyText: string, what: string, fallbackCode?: string): RegistryError {
  let code = fallbackCode ?? codeForStatus(status);
  let detail = '';
  try {
    const body = JSON.parse(bodyText) as ErrorBody;
    const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (first && typeof first.code === 'string') code = first.code.slice(0, 64);
    if (first && typeof first.message === 'string') detail = first.message.slice(0, 300);
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status code decides.
  }
  const advice = code === 'UNKNOWN' && status >= 500
    ? 'the registry failed on its side; retry, and check the registry logs if it persists (some registries answer 500 to a malformed manifest)'
    : (ERROR_ADVICE[code] ?? ERROR_ADVICE.UNKNOWN!);
  return new RegistryError(`${what}: ${status} ${code}${detail ? ` (${detail})` : ''}: ${advice}`, { code, status });
}

/** Explains a failed connection (refused, DNS, TLS, timeout) without a stack trace. */
export function networkError(error: unknown, url: string): RegistryError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException).code ?? 'NETWORK';
  const reason = cause?.message ?? (error as Error).message;
  let advice = 'check the registry address and that it is running';
  if (code === 'ECONNREFUSED') advice = 'nothing is listening there; is the registry running on that port?';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') advice = 'the host name does not resolve; check the registry address';
  else if (/CERT|SSL|TLS/i.test(code) || /certificate|ssl|tls/i.test(reason ?? '')) advice = 'the TLS handshake failed; the registry needs a valid HTTPS certificate (plain HTTP is only used for localhost)';
  else if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || (error as Error).name === 'TimeoutError') advice = 'the registry did not answer in time; check the address and network';
  return new RegistryError(`cannot reach ${new URL(url).origin}: ${code}${reason && reason !== code ? ` (${reason})` : ''}: ${advice}`, { code: 'NETWORK' });
}
