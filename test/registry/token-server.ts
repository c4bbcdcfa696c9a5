// A minimal token service for the distribution token-auth flow (docs/spec/auth/token.md): checks Basic
// credentials, grants the requested scopes and signs a JWT (RS256) whose x5c header carries a
// self-signed certificate that the registry trusts through its rootcertbundle.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Every token request seen: the scopes asked for and whether credentials came with it. */
  requests: Array<{ scopes: string[]; user: string | null }>;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Users and what they may do: a user without `push` gets tokens for pull only. */
export type TokenUsers = Record<string, { password: string; push: boolean }>;

export async function startTokenServer(dir: string, users: TokenUsers): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=artifact-types-test-token-issuer'], { stdio: 'ignore' });
  const key = createPrivateKey(await readFile(keyFile));
  const certDer = new X509Certificate(await readFile(certFile)).raw;
  const service = 'artifact-types-test-registry';
  const issuer = 'artifact-types-test-issuer';
  const requests: TokenServer['requests'] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scopes = url.searchParams.getAll('scope');
    const header = req.headers.authorization ?? '';
    const [user, pass] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':') : [null, null];
    requests.push({ scopes, user: user ?? null });
    const account = user ? users[user] : undefined;
    if (url.pathname !== '/token' || !account || pass !== account.password) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad or missing credentials' }] }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = rest.pop()!.split(',').filter((a) => account.push || a === 'pull');
      return { type, name: rest.join(':'), actions };
    });
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: user, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const signature = b64url(sign('RSA-SHA256', Buffer.from(`${head}.${claims}`), key));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${head}.${claims}.${signature}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
