// `artifact-types new`: the scaffold passes the checker once its placeholders hold real facts, and
// an unfilled scaffold gets findings at the placeholders (never a crash). A new type taken through
// the steps CONTRIBUTING.md gives, in a copy of the repository, passes the full checker and owns its
// CODEOWNERS line. Runs the real CLI.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.ts';
import { bin, cli, exec, fillPlaceholders } from './scaffold-helpers.ts';

const repo = path.resolve(import.meta.dirname, '../..');

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
    // Without --maintainer the catalog maintainers stand in, and the author is told to put their own handle.
    expect(JSON.parse(await readFile(path.join(root, 'acme.widget/definition.json'), 'utf8')).maintainers).toEqual(['@artifact-types/maintainers']);
    expect(made.stdout).toMatch(/"maintainers" is @artifact-types\/maintainers, a stand-in: replace it in \S*acme\.widget\/definition\.json with your own GitHub handle/);
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
    expect([...fields].sort()).toEqual(['artifactTypes.0.evidence.0.url', 'description', 'homepage', 'sources.0', 'tools.0.homepage']);
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
    await fillPlaceholders(path.join(root, 'acme.gadget'), 'acme.gadget');

    const { code, findings } = await validate(root, 'acme.gadget');
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
    // validate's examples/misclassified rule has checked that the example classifies as acme.gadget.
  }, 90_000);

  it('uses the media types given as flags in the definition and the example', async () => {
    const made = await cli(['new', 'acme.thing', '--root', root, '--config-media-type', 'application/vnd.acme.thing.config.v1+json', '--layer-media-type', 'application/vnd.acme.thing.layer.v1.tar', '--homepage', 'https://acme.example', '--description', 'A thing that the acme tool pushes.']);
    expect(made.code).toBe(0);
    const definition = JSON.parse(await readFile(path.join(root, 'acme.thing/definition.json'), 'utf8'));
    expect(definition.configMediaTypes).toMatchObject([{ mediaType: 'application/vnd.acme.thing.config.v1+json' }]);
    expect(definition.artifactTypes).toBeUndefined();
    expect(definition.homepage).toBe('https://acme.example');
    const manifest = JSON.parse(await readFile(path.join(root, 'acme.thing/examples/thing.manifest.json'), 'utf8'));
    expect(manifest.config.mediaType).toBe('application/vnd.acme.thing.config.v1+json');
    expect(manifest.layers[0].mediaType).toBe('application/vnd.acme.thing.layer.v1.tar');
    expect(await readFile(path.join(root, 'acme.thing/README.md'), 'utf8')).toContain('summary: "A thing that the acme tool pushes."');
  }, 90_000);

  it('takes maintainers repeated and comma-separated, and refuses a bad handle naming --maintainer', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `@user${i}`).join(',');
    const [made, bad, tooMany, help] = await Promise.all([
      cli(['new', 'acme.owned', '--root', root, '--maintainer', '@octocat', '--maintainer', '@acme/oci-team, @hubot', '--maintainer', '@octocat']),
      cli(['new', 'acme.other', '--root', root, '--maintainer', 'octocat', '--maintainer', '@acme/oci team']),
      cli(['new', 'acme.other', '--root', root, '--maintainer', eleven]),
      cli(['new', '--help']),
    ]);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('maintainers: @octocat, @acme/oci-team, @hubot');
    expect(made.stdout).not.toContain('stand-in');
    expect(JSON.parse(await readFile(path.join(root, 'acme.owned/definition.json'), 'utf8')).maintainers).toEqual(['@octocat', '@acme/oci-team', '@hubot']);
    for (const result of [bad, tooMany]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^artifact-types: --maintainer /);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(bad.stderr).toContain('--maintainer "octocat" is not a GitHub handle: use @user or @org/team');
    expect(bad.stderr).toContain('did you mean @octocat?');
    expect(bad.stderr).toContain('--maintainer "@acme/oci team" is not a GitHub handle');
    expect(tooMany.stderr).toContain('--maintainer takes at most 10 handles, got 11');
    expect(existsSync(path.join(root, 'acme.other'))).toBe(false);
    expect(help.stdout).toMatch(/--maintainer <handle>\s+your GitHub handle \(@user\) or team\s+\(@org\/team\)/);
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
  // util-linux `script` (Debian bsdutils, provisioned by scripts/test-setup.js) gives the CLI a
  // pseudo-terminal, the only case in which it may ask. Without it this test fails; it never skips.
  it('asks for the missing facts, re-asks after a bad answer, keeps pasted lines', async () => {
    expect(existsSync('/usr/bin/script'), '/usr/bin/script is missing: run `node scripts/test-setup.js` (installs bsdutils)').toBe(true);
    const answers = ['Acme terminal thing', 'A terminal thing pushed by acme.', 'not a media type', 'application/vnd.acme.tty.v1', '', 'application/vnd.acme.tty.layer.v1.tar', 'https://acme.example', 'octocat', '@octocat, @acme/tty-team'].join('\n');
    const child = spawn('/usr/bin/script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} new acme.tty --root ${JSON.stringify(root)}`, '/dev/null'], { cwd: repo });
    const closed = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    // Paste everything once the first question is on screen.
    let wait: ReturnType<typeof setInterval> | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          wait = setInterval(() => {
            if (output.includes('Display name')) {
              child.stdin.write(`${answers}\n`);
              resolve();
            }
          }, 50);
        }),
        closed.then((code) => {
          throw new Error(`script exited (${code}) before the first question:\n${output}`);
        }),
      ]);
    } finally {
      clearInterval(wait);
    }
    const code = await closed;
    expect(code, output).toBe(0);
    expect(output).toMatch(/"not a media type" contains white space/);
    expect(output).toContain('your GitHub handle(s)');
    expect(output).toMatch(/"octocat" is not a GitHub handle: use @user or @org\/team, e\.g\. @octocat or @acme\/oci-team; did you mean @octocat\?/);
    const definition = JSON.parse(await readFile(path.join(root, 'acme.tty/definition.json'), 'utf8'));
    expect(definition).toMatchObject({
      displayName: 'Acme terminal thing',
      description: 'A terminal thing pushed by acme.',
      artifactTypes: [{ mediaType: 'application/vnd.acme.tty.v1' }],
      homepage: 'https://acme.example',
      layers: [{ mediaType: 'application/vnd.acme.tty.layer.v1.tar' }],
      maintainers: ['@octocat', '@acme/tty-team'],
    });
    expect(definition.configMediaTypes).toBeUndefined();
  }, 90_000);
});

describe('a new type taken through CONTRIBUTING.md', () => {
  // A copy of the repository (code, catalog, generated files; node_modules linked), so that the
  // author's commands run as documented: from the clone's root, with their default paths.
  const COPIED = ['bin', 'src', 'scripts', 'schemas', 'definitions', 'docs', 'README.md', 'CODEOWNERS', 'LICENSE', 'package.json', 'tsconfig.json'];
  let clone: string;
  beforeAll(async () => {
    clone = await mkdtemp(path.join(tmpdir(), 'at-new-clone-'));
    await Promise.all(COPIED.map((entry) => cp(path.join(repo, entry), path.join(clone, entry), { recursive: true })));
    await symlink(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await rm(clone, { recursive: true, force: true });
  });

  it('passes the full validate touching only its folder; after the merge steps the generated files and CODEOWNERS follow', async () => {
    const id = 'acme.sprocket';
    const author = (args: string[]) => cli(args, clone, 'bin/artifact-types.js');
    const types = (await readdir(path.join(clone, 'definitions'))).filter((n) => n !== 'catalog.json').length + 1;

    // Step 2: scaffold with every fact as a flag, the maintainers as the author's own handles.
    const made = await author([
      'new', id,
      '--display-name', 'Acme sprocket',
      '--description', 'A sprocket bundle that the acme CLI pushes to OCI registries.',
      '--artifact-type', 'application/vnd.acme.sprocket.v1',
      '--config-media-type', 'application/vnd.acme.sprocket.config.v1+json',
      '--layer-media-type', 'application/vnd.acme.sprocket.layer.v1.tar+gzip',
      '--homepage', 'https://acme.example',
      '--maintainer', '@octocat',
      '--maintainer', '@acme/sprocket-maintainers',
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`created definitions/${id}`);
    const dir = path.join(clone, 'definitions', id);
    const definition = JSON.parse(await readFile(path.join(dir, 'definition.json'), 'utf8'));
    expect(definition).toMatchObject({ artifactTypes: [{ mediaType: 'application/vnd.acme.sprocket.v1' }], configMediaTypes: [{ mediaType: 'application/vnd.acme.sprocket.config.v1+json' }], homepage: 'https://acme.example', maintainers: ['@octocat', '@acme/sprocket-maintainers'] });

    // Step 3: fill in every TODO: that no flag could.
    await fillPlaceholders(dir, id);

    // Step 4: check the folder (--fix also optimizes the logo), classify the example, then the whole
    // catalog as CI runs it. The pull request touches only its folder: no catalog version, README
    // table or CODEOWNERS edit (the release workflow regenerates those after the merge).
    const folder = await author(['validate', '--fix', `definitions/${id}`]);
    expect(folder.code, folder.stdout).toBe(0);
    const classified = await author(['classify', `definitions/${id}/examples/sprocket.manifest.json`]);
    expect(classified.code, classified.stderr).toBe(0);
    expect(classified.stdout).toContain(id);
    const full = await author(['validate']);
    expect(full.code, full.stdout).toBe(0);
    expect(full.stdout).toMatch(new RegExp(`^0 errors, \\d+ warnings in ${types} types$`, 'm'));
    expect(await readFile(path.join(clone, 'definitions/catalog.json'), 'utf8')).toBe(await readFile(path.join(repo, 'definitions/catalog.json'), 'utf8'));

    // After the merge, the release workflow's steps: version from the changes, regenerated files, judged.
    const merged = path.join(clone, '.merged');
    expect((await author(['build', '--no-generated', '--no-package', '--out', merged])).code).toBe(0);
    const previous = path.join(clone, '.previous');
    expect((await author(['build', '--no-generated', '--no-package', '--root', path.join(repo, 'definitions'), '--out', previous])).code).toBe(0);
    const bumped = await author(['changes', path.join(previous, 'catalog.json'), path.join(merged, 'catalog.json'), '--write-version', 'definitions/catalog.json']);
    expect(bumped.code, bumped.stderr).toBe(0);
    const meta = JSON.parse(await readFile(path.join(repo, 'definitions/catalog.json'), 'utf8'));
    const version = semver.inc(meta.version, 'minor')!;
    expect(JSON.parse(await readFile(path.join(clone, 'definitions/catalog.json'), 'utf8')).version).toBe(version);
    const build = await exec('npm', ['run', 'build'], clone);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toContain('updated README.md');
    expect(build.stderr).toContain(`built ${types} types, catalog ${version}`);
    const judged = await author(['validate', '--generated']);
    expect(judged.code, judged.stdout).toBe(0);
    expect((await readFile(path.join(clone, 'CODEOWNERS'), 'utf8')).split('\n')).toContain(`/definitions/${id}/ @octocat @acme/sprocket-maintainers @artifact-types/maintainers`);
    const readme = await readFile(path.join(clone, 'README.md'), 'utf8');
    expect(readme).toContain(`catalog version ${version}.`);
    expect(readme).toContain(`| [Acme sprocket](definitions/${id}/README.md) | \`${id}\` |`);
  }, 120_000);
});
