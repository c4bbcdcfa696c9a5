// The push, pull and ls commands end to end against a real registry, run as a user runs them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/model/catalog.ts';
import { RegistryClient, type RegistryListing } from '../../src/registry/index.ts';
import { definitionsCatalog, DEFINITIONS, writeTestDist } from './catalog-fixture.ts';
import { BIN, runCli } from './cli-run.ts';
import { exampleFiles, pushExample } from './example-artifacts.ts';
import { startRegistry, type RunningRegistry } from './registry-server.ts';

let registry: RunningRegistry;
let catalog: Catalog;
let work: string;
let catalogFile: string;

beforeAll(async () => {
  [registry, catalog] = await Promise.all([startRegistry(), definitionsCatalog()]);
  work = await mkdtemp(path.join(os.tmpdir(), 'artifact-types-cli-'));
  catalogFile = await writeTestDist(work);
  const client = new RegistryClient(registry.registry);
  const [helm] = await exampleFiles(DEFINITIONS, 'cncf.helm.chart').then((all) => all.filter((e) => e.stem === 'nginx'));
  await pushExample(client, helm!, 'charts/web', '1.0.0');
  // An artifact no type claims: listed as unknown with its media types.
  await client.pushBlob('misc/thing', Buffer.from('{}'));
  const layer = await client.pushBlob('misc/thing', Buffer.from('payload'));
  const unknown = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.example.unknown.v1', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 }, layers: [{ mediaType: 'application/vnd.example.unknown.layer.v1', digest: layer.digest, size: layer.size }] };
  await client.putManifest('misc/thing', 'v1', Buffer.from(JSON.stringify(unknown)), unknown.mediaType);
  // A repository with a blob and no tags: in _catalog, but tags/list answers NAME_UNKNOWN.
  await client.pushBlob('blobs/only', Buffer.from('orphan'));
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('push, pull and ls commands', { timeout: 90_000 }, () => {
  it('push then pull round-trips the catalog through the registry', async () => {
    const reference = `${registry.registry}/artifact-types/catalog:1.0.0`;
    const push = await runCli(['push', reference, '--catalog', catalogFile]);
    expect(push.code).toBe(0);
    const out = path.join(work, 'pulled');
    const pull = await runCli(['pull', reference, '--output', out]);
    expect(pull.code).toBe(0);
    expect(pull.stdout.trim()).toBe(path.join(out, 'catalog.json'));
    expect(pull.stderr).toContain('digests verified');
    expect(await readFile(path.join(out, 'catalog.json'))).toEqual(await readFile(catalogFile));
  });

  it('two pushes of one catalog print one digest, and pull by digest prints the digest once', async () => {
    const first = await runCli(['push', `${registry.registry}/artifact-types/catalog:same-1`, '--catalog', catalogFile]);
    const second = await runCli(['push', `${registry.registry}/artifact-types/catalog:same-2`, '--catalog', catalogFile]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const digest = /@(sha256:[a-f0-9]{64})$/m.exec(first.stdout)?.[1];
    expect(digest).toBeDefined();
    expect(second.stdout).toContain(`@${digest}`);
    const pull = await runCli(['pull', `${registry.registry}/artifact-types/catalog@${digest}`, '--output', path.join(work, 'by-digest')]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stderr.split(digest!).length - 1).toBe(1);
    expect(pull.stderr).toContain(`pulled ${registry.registry}/artifact-types/catalog@${digest}: catalog`);
  });

  it('ls prints each artifact with its type, its id and signal, and filled-in commands, and unknown ones with media types', async () => {
    const ls = await runCli(['ls', `http://${registry.registry}`, '--catalog', catalogFile]);
    expect(ls.code).toBe(0);
    const lines = ls.stdout.split('\n');
    expect(lines[0]).toMatch(/^REFERENCE\s+TYPE\s+ID\s+BY$/);
    expect(ls.stdout).toMatch(new RegExp(`${registry.registry}/charts/web:1\\.0\\.0\\s+Helm chart\\s+cncf\\.helm\\.chart\\s+config\\s*$`, 'm'));
    expect(ls.stdout).toContain(`helm pull: helm pull oci://${registry.registry}/charts/web --version 1.0.0`);
    expect(ls.stdout).toContain(`helm run: helm install {release} oci://${registry.registry}/charts/web --version 1.0.0`);
    // The catalog pushed by the first test lists as its own type, with its own commands.
    expect(ls.stdout).toMatch(new RegExp(`${registry.registry}/artifact-types/catalog:1\\.0\\.0\\s+artifact-types catalog\\s+artifact-types\\.catalog\\s+\\w+\\s*$`, 'm'));
    expect(ls.stdout).toContain(`artifact-types run: artifact-types serve --catalog-from ${registry.registry}/artifact-types/catalog:1.0.0`);
    expect(ls.stdout).toMatch(new RegExp(`${registry.registry}/misc/thing:v1\\s+unknown\\s+-`));
    expect(ls.stdout).toContain('artifactType application/vnd.example.unknown.v1, config application/vnd.oci.empty.v1+json, layers application/vnd.example.unknown.layer.v1');
    // Progress bars only on a terminal; the test's stderr is a pipe.
    expect(ls.stderr).toBe('');
  });

  it('ls shows progress on a terminal (stderr a pty, via script(1)) and keeps it out of the listing', async () => {
    const out = path.join(work, 'ls-on-a-terminal.txt');
    const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, BIN, 'ls', registry.registry, '--catalog', catalogFile, '--page-size', '1'].map(quote).join(' ');
    // script gives the command a terminal; stdout goes to a file, so only stderr is the terminal.
    const terminal = await promisify(execFile)('script', ['-qec', `${command} > ${quote(out)}`, '/dev/null'], { timeout: 60_000 });
    expect(terminal.stdout).toMatch(/tags {5} \[[^\]]*\] \d+\/\d+/);
    expect(terminal.stdout).toMatch(/manifests \[[^\]]*\] \d+\/\d+/);
    const listing = await readFile(out, 'utf8');
    expect(listing).toMatch(new RegExp(`${registry.registry}/charts/web:1\\.0\\.0\\s+Helm chart`));
    expect(listing).not.toContain('manifests [');
  });

  it('ls --format json gives the same listing as data', async () => {
    const ls = await runCli(['ls', registry.registry, '--catalog', catalogFile, '--format', 'json', '--page-size', '1']);
    expect(ls.code).toBe(0);
    const listing = JSON.parse(ls.stdout) as RegistryListing;
    expect(listing.repositories).toBe(4);
    expect(listing.problems).toEqual([]);
    expect(listing.artifacts.filter((a) => a.repository === 'blobs/only')).toEqual([]);
    const web = listing.artifacts.find((a) => a.reference === `${registry.registry}/charts/web:1.0.0`);
    expect(web?.type).toEqual({ id: 'cncf.helm.chart', displayName: 'Helm chart', signal: 'config' });
    const unknown = listing.artifacts.find((a) => a.repository === 'misc/thing');
    expect(unknown?.type).toBeNull();
    expect(unknown?.mediaTypes.artifactType).toBe('application/vnd.example.unknown.v1');
  });

  it('rejects bad references and plain HTTP to remote hosts with a usage error', async () => {
    const bad = await runCli(['pull', 'not-a-reference']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^artifact-types: "not-a-reference" is not a reference; expected <registry>\/<repository>:<tag>/);
    const http = await runCli(['ls', 'http://registry.example.com', '--catalog', catalogFile]);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('refusing plain HTTP to registry.example.com');
  });
});
