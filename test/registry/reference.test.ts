// References, registry addresses, auth challenges and pagination links: the parsing the client relies on.
import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../src/registry/auth.ts';
import { nextLink } from '../../src/registry/client.ts';
import { credentialsFrom } from '../../src/registry/credentials.ts';
import { fillCommand } from '../../src/registry/actions.ts';
import { parseReference, parseRegistry, RegistryError } from '../../src/registry/index.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it('splits registry, repository, tag and digest', () => {
    expect(parseReference('127.0.0.1:5000/charts/web:1.0.0')).toEqual({ registry: '127.0.0.1:5000', repository: 'charts/web', tag: '1.0.0', baseUrl: 'http://127.0.0.1:5000' });
    expect(parseReference(`ghcr.io/acme/catalog@${digest}`)).toEqual({ registry: 'ghcr.io', repository: 'acme/catalog', digest, baseUrl: 'https://ghcr.io' });
    expect(parseReference('oci://localhost:5000/a/b')).toMatchObject({ registry: 'localhost:5000', repository: 'a/b', tag: 'latest', baseUrl: 'http://localhost:5000' });
    expect(parseReference(`[::1]:5000/x:t@${digest}`)).toMatchObject({ registry: '[::1]:5000', repository: 'x', tag: 't', digest, baseUrl: 'http://[::1]:5000' });
  });

  it('names the bad part and how to fix it', () => {
    expect(() => parseReference('catalog')).toThrow(/is not a reference; expected <registry>\/<repository>:<tag>/);
    expect(() => parseReference('ghcr.io/Acme/catalog:1')).toThrow(/repository "Acme\/catalog" .* lowercase/);
    expect(() => parseReference('ghcr.io/acme/catalog:-bad')).toThrow(/tag "-bad"/);
    expect(() => parseReference('ghcr.io/acme/catalog@sha256:xyz')).toThrow(/not a sha256 digest/);
    expect(() => parseReference('ghcr.io/acme/catalog', { requireTag: true })).toThrow(/has no tag/);
    expect(() => parseReference('bad host!/x:1')).toThrow(RegistryError);
  });
});

describe('parseRegistry', () => {
  it('uses plain HTTP only for this machine and HTTPS for everything else', () => {
    expect(parseRegistry('localhost:5000').baseUrl).toBe('http://localhost:5000');
    expect(parseRegistry('127.0.0.1:5000/').baseUrl).toBe('http://127.0.0.1:5000');
    expect(parseRegistry('http://127.0.0.1:5000/v2/').baseUrl).toBe('http://127.0.0.1:5000');
    expect(parseRegistry('registry.example.com').baseUrl).toBe('https://registry.example.com');
    expect(parseRegistry('https://registry.example.com:8443').baseUrl).toBe('https://registry.example.com:8443');
    expect(parseRegistry('127.0.0.2:5000').baseUrl).toBe('https://127.0.0.2:5000');
    expect(() => parseRegistry('http://registry.example.com')).toThrow(/refusing plain HTTP to registry\.example\.com/);
    expect(() => parseRegistry('http://localhost.example.com')).toThrow(/refusing plain HTTP/);
  });
});

describe('parseChallenge', () => {
  it('reads Bearer and Basic challenges with quoted and bare parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="x \\"y\\""')).toEqual({ scheme: 'basic', params: { realm: 'x "y"' } });
    expect(parseChallenge('Bearer realm=https://a/token, error=insufficient_scope')).toEqual({ scheme: 'bearer', params: { realm: 'https://a/token', error: 'insufficient_scope' } });
    expect(parseChallenge('')).toBeNull();
  });
});

describe('nextLink', () => {
  it('finds the rel="next" target of a Link header', () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(nextLink('<https://r/v2/x/tags/list?n=1&last=a>; rel="prev", <https://r/v2/x/tags/list?n=1&last=c>; rel=next')).toBe('https://r/v2/x/tags/list?n=1&last=c');
    expect(nextLink(null)).toBeNull();
    expect(nextLink('</a>; rel="prev"')).toBeNull();
  });
});

describe('credentialsFrom', () => {
  it('takes flags over the environment and refuses half a pair', () => {
    const env = { ARTIFACT_TYPES_REGISTRY_USERNAME: 'env-user', ARTIFACT_TYPES_REGISTRY_PASSWORD: 'env-pass' };
    expect(credentialsFrom({}, env)).toEqual({ username: 'env-user', password: 'env-pass' });
    expect(credentialsFrom({ username: 'u', password: 'p' }, env)).toEqual({ username: 'u', password: 'p' });
    expect(credentialsFrom({}, {})).toBeUndefined();
    expect(() => credentialsFrom({ username: 'u' }, {})).toThrow(/both a username and a password/);
  });
});

describe('fillCommand', () => {
  it('fills what the registry knows and leaves what only the user knows', () => {
    const where = { registry: 'r.example.com', repository: 'charts/web', tag: '1.0.0', digest };
    expect(fillCommand('helm install {release} oci://{registry}/{repository} --version {tag}', where)).toBe('helm install {release} oci://r.example.com/charts/web --version 1.0.0');
    expect(fillCommand('helm push {chart}-{tag}.tgz oci://{registry}/{repository-parent}', where)).toBe('helm push {chart}-1.0.0.tgz oci://r.example.com/charts');
    expect(fillCommand('oras pull {registry}/{repository}@{digest}', where)).toBe(`oras pull r.example.com/charts/web@${digest}`);
    expect(fillCommand('crane manifest {reference}', where)).toBe('crane manifest r.example.com/charts/web:1.0.0');
  });

  it('without a tag, {reference} is by digest and {tag} stays for the user', () => {
    const where = { registry: 'r.example.com', repository: 'charts/web', digest };
    expect(fillCommand('crane manifest {reference}', where)).toBe(`crane manifest r.example.com/charts/web@${digest}`);
    expect(fillCommand('helm pull oci://{registry}/{repository} --version {tag}', where)).toBe('helm pull oci://r.example.com/charts/web --version {tag}');
  });

  it('fills only its own placeholders: inherited names and the tool’s {{ … }} templates stay as written', () => {
    const where = { registry: 'r.example.com', repository: 'charts/web', tag: '1.0.0', digest };
    expect(fillCommand('x {constructor} {toString} {__proto__}', where)).toBe('x {constructor} {toString} {__proto__}');
    expect(fillCommand("docker inspect --format '{{tag}}' {registry}/{repository}:{tag}", where)).toBe("docker inspect --format '{{tag}}' r.example.com/charts/web:1.0.0");
  });
});
