// `artifact-types new`: the scaffold passes the checker once its placeholders hold real facts, and
// an unfilled scaffold gets findings at the placeholders (never a crash). Runs the real CLI.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/artifact-types.js');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // stdin is not a terminal here, so `new` must never prompt.
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: repo, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function validate(root: string, id: string): Promise<{ code: number; findings: Finding[] }> {
  const result = await cli(['validate', '--root', root, '--format', 'json', path.join(root, id)]);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}

let work: string;
let root: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'at-new-'));
  root = path.join(work, 'definitions');
  await cp(path.join(repo, 'definitions'), root, { recursive: true });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('artifact-types new', () => {
  it('writes a folder whose unfilled placeholders are findings at their lines, not a crash', async () => {
    const made = await cli(['new', 'acme.widget', '--root', root]);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('TODO:');
    const files = (await readdir(path.join(root, 'acme.widget'), { recursive: true })).sort();
    expect(files).toEqual(['README.md', 'definition.json', 'examples', 'examples/plain-image.not-this.json', 'examples/widget.manifest.json', 'logo.svg']);

    const { code, findings } = await validate(root, 'acme.widget');
    expect(code).toBe(1);
    expect(findings.some((f) => f.rule === 'checker/internal')).toBe(false);
    const definition = await readFile(path.join(root, 'acme.widget/definition.json'), 'utf8');
    const lines = definition.split('\n');
    // Every flagged definition.json line is a placeholder line.
    const onDefinition = findings.filter((f) => f.file.endsWith('acme.widget/definition.json'));
    expect(onDefinition.length).toBeGreaterThanOrEqual(4);
    for (const f of onDefinition) expect(lines[f.line - 1]).toContain('TODO:');
    const fields = new Set(onDefinition.filter((f) => f.rule === 'schema/definition').map((f) => f.message.split(' ')[0]));
    expect([...fields].sort()).toEqual(['description', 'homepage', 'sources.0', 'tools.0.homepage']);
    // Every placeholder line is an error of its own, even where the text would pass the schema.
    const todoLines = lines.flatMap((line, i) => (line.includes('TODO:') ? [i + 1] : []));
    expect(onDefinition.filter((f) => f.rule === 'placeholder/unfilled').map((f) => f.line)).toEqual(todoLines);
    expect(findings.some((f) => f.file.endsWith('README.md') && f.rule === 'placeholder/unfilled' && f.severity === 'error')).toBe(true);
    expect(findings.some((f) => f.file.endsWith('README.md') && /summary/.test(f.message))).toBe(true);
    expect(findings.some((f) => f.file.endsWith('widget.manifest.json') && f.rule === 'examples/invalid-manifest')).toBe(true);
  }, 90_000);

  it('passes the checker with 0 errors once the placeholders hold real facts', async () => {
    const made = await cli(['new', 'acme.gadget', '--root', root, '--display-name', 'Acme gadget']);
    expect(made.code).toBe(0);
    const dir = path.join(root, 'acme.gadget');
    const artifactType = 'application/vnd.acme.gadget.v1';
    const layer = 'application/vnd.acme.gadget.layer.v1.tar+gzip';
    // Fill every placeholder the way an author would, by replacing its value.
    const fill = (text: string) =>
      text
        .replace(/"TODO: the manifest artifactType[^"]*"/g, JSON.stringify(artifactType))
        .replace(/"TODO: the layer media type[^"]*"/g, JSON.stringify(layer))
        .replace(/"TODO: say in one sentence[^"]*"/, '"A gadget bundle pushed by the acme CLI."')
        .replace(/"TODO: what the blob holds[^"]*"/, '"The gadget files as a gzipped tar."')
        .replace(/"TODO: https:\/\/… the project's home page"/, '"https://acme.example"')
        .replace(/"TODO: https:\/\/… the project's docs[^"]*"/, '"https://acme.example/docs/oci"')
        .replace(/"TODO: https:\/\/… the tool's docs"/, '"https://acme.example/cli"')
        .replace(/"TODO: the real pull command[^"]*"/, '"acme pull {registry}/{repository}:{tag}"')
        .replace(/"TODO: the real push command[^"]*"/, '"acme push {registry}/{repository}:{tag}"');
    for (const file of ['definition.json', 'examples/gadget.manifest.json']) {
      const text = await readFile(path.join(dir, file), 'utf8');
      await writeFile(path.join(dir, file), fill(text));
    }
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    await writeFile(path.join(dir, 'README.md'), readme.replace(/^# TODO:.*$/m, 'summary: "A gadget bundle that the acme CLI pushes to OCI registries."').replace(/TODO: /g, ''));
    for (const file of ['definition.json', 'README.md', 'examples/gadget.manifest.json']) {
      expect(await readFile(path.join(dir, file), 'utf8')).not.toContain('TODO');
    }

    const { code, findings } = await validate(root, 'acme.gadget');
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
    // validate's examples/misclassified rule has checked that the example classifies as acme.gadget.
  }, 90_000);

  it('uses the media types given as flags in the definition and the example', async () => {
    const made = await cli(['new', 'acme.thing', '--root', root, '--config-media-type', 'application/vnd.acme.thing.config.v1+json', '--layer-media-type', 'application/vnd.acme.thing.layer.v1.tar', '--homepage', 'https://acme.example', '--description', 'A thing that the acme tool pushes.']);
    expect(made.code).toBe(0);
    const definition = JSON.parse(await readFile(path.join(root, 'acme.thing/definition.json'), 'utf8'));
    expect(definition.configMediaTypes).toEqual(['application/vnd.acme.thing.config.v1+json']);
    expect(definition.artifactTypes).toBeUndefined();
    expect(definition.homepage).toBe('https://acme.example');
    const manifest = JSON.parse(await readFile(path.join(root, 'acme.thing/examples/thing.manifest.json'), 'utf8'));
    expect(manifest.config.mediaType).toBe('application/vnd.acme.thing.config.v1+json');
    expect(manifest.layers[0].mediaType).toBe('application/vnd.acme.thing.layer.v1.tar');
    expect(await readFile(path.join(root, 'acme.thing/README.md'), 'utf8')).toContain('summary: "A thing that the acme tool pushes."');
  }, 90_000);

  it('refuses an invalid id with exit 2 and writes nothing', async () => {
    const ids = ['Widget', 'widget', 'acme..widget', '../escape.x'];
    const results = await Promise.all(ids.map((id) => cli(['new', id, '--root', root])));
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/is not a valid id/);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 90_000);

  it('refuses an existing folder and a bad media type with exit 2', async () => {
    const [existing, badType, badHome] = await Promise.all([
      cli(['new', 'sylabs.sif', '--root', root]),
      cli(['new', 'acme.other', '--root', root, '--artifact-type', 'Not A Media Type']),
      cli(['new', 'acme.other', '--root', root, '--homepage', 'http://acme.example']),
    ]);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toMatch(/already exists/);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/--artifact-type/);
    expect(badHome.code).toBe(2);
    expect(badHome.stderr).toMatch(/https/);
  }, 90_000);
});

describe('artifact-types new in a terminal', () => {
  // util-linux `script` gives the CLI a pseudo-terminal, the only case in which it may ask.
  const hasScript = existsSync('/usr/bin/script');
  it.skipIf(!hasScript)('asks for the missing facts, re-asks after a bad answer, keeps pasted lines', async () => {
    const answers = ['Acme terminal thing', 'A terminal thing pushed by acme.', 'not a media type', 'application/vnd.acme.tty.v1', '', 'application/vnd.acme.tty.layer.v1.tar', 'https://acme.example', ''].join('\n');
    const child = spawn('/usr/bin/script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} new acme.tty --root ${JSON.stringify(root)}`, '/dev/null'], { cwd: repo });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    // Paste everything once the first question is on screen.
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (output.includes('Display name')) {
          clearInterval(wait);
          child.stdin.write(`${answers}\n`);
          resolve();
        }
      }, 50);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(output).toMatch(/"not a media type" contains white space/);
    const definition = JSON.parse(await readFile(path.join(root, 'acme.tty/definition.json'), 'utf8'));
    expect(definition).toMatchObject({
      displayName: 'Acme terminal thing',
      description: 'A terminal thing pushed by acme.',
      artifactTypes: ['application/vnd.acme.tty.v1'],
      homepage: 'https://acme.example',
      layers: [{ mediaType: 'application/vnd.acme.tty.layer.v1.tar' }],
    });
    expect(definition.configMediaTypes).toBeUndefined();
  }, 90_000);
});
