// Authentication as registries ask for it: nothing, HTTP Basic, or the bearer-token challenge flow
// (distribution token spec: 401 + `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, then a token
// from the realm, sent as `Authorization: Bearer …`).
import { isLocalRegistry } from './reference.ts';
import { RegistryError, registryErrorFrom, networkError } from './errors.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one `WWW-Authenticate` value: `Scheme key="value", key2=token, …` (RFC 9110 auth-params). */
export function parseChallenge(header: string): Challenge | null {
  const match = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = match[2] ?? '';
  let part: RegExpExecArray | null;
  while ((part = pattern.exec(rest)) !== null && part[0].length > 0) {
    params[part[1]!.toLowerCase()] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : (part[3] ?? '');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** Keeps the Authorization header for each scope (tokens are per scope; Basic is one for all). */
export class Authenticator {
  private basicHeader: string | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** The header to send for a request in this scope, if one is known. */
  header(scope: string): string | undefined {
    return this.tokens.get(scope) ?? this.basicHeader;
  }

  /** Answers a 401: learns how to authenticate. Returns false when a retry cannot help. */
  async respond(wwwAuthenticate: string | null, scope: string): Promise<boolean> {
    const challenge = wwwAuthenticate ? parseChallenge(wwwAuthenticate) : null;
    if (!challenge) return false;
    if (challenge.scheme === 'basic') {
      if (!this.credentials || this.basicHeader) return false;
      this.basicHeader = basic(this.credentials);
      return true;
    }
    if (challenge.scheme !== 'bearer') return false;
    const realm = challenge.params.realm;
    if (!realm) return false;
    if (this.tokens.has(scope) && !challenge.params.error) return false;
    this.tokens.set(scope, `Bearer ${await this.fetchToken(realm, challenge.params.service, challenge.params.scope ?? scope)}`);
    return true;
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`${this.registry} sent a token realm that is not a URL (${realm.slice(0, 200)}); check the registry's auth configuration`, { code: 'UNAUTHORIZED' });
    }
    // Credentials go to the token service only over HTTPS (or on this machine).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocalRegistry(url.host))) {
      throw new RegistryError(`${this.registry} asks for a token from ${url.origin}, which is not HTTPS; refusing to send credentials there`, { code: 'UNAUTHORIZED' });
    }
    if (service) url.searchParams.set('service', service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.credentials) headers.authorization = basic(this.credentials);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw networkError(error, url.href);
    }
    const text = await response.text();
    if (!response.ok) {
      throw registryErrorFrom(response.status, text, `token service ${url.origin} refused a token for ${scope}`, response.status === 401 ? 'UNAUTHORIZED' : undefined);
    }
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryError(`token service ${url.origin} did not answer with JSON; check the registry's auth configuration`, { code: 'UNAUTHORIZED' });
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : null;
    if (!token) throw new RegistryError(`token service ${url.origin} answered without a token; check the registry's auth configuration`, { code: 'UNAUTHORIZED' });
    return token;
  }
}
