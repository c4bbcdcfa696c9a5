// `artifact-types new`: the scaffold passes the checker once its placeholders hold real facts, and
// an unfilled scaffold gets findings at the placeholders (never a crash). A new type taken through
// the steps CONTRIBUTING.md gives, in a copy of the repository, passes the full checker and owns its
// CODEOWNERS line. Runs the real CLI.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/artifact-types.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; a non-zero exit is a result, not a throw. */
async function exec(file: string, args: string[], cwd: string): Promise<Result> {
  try {
    // stdin is not a terminal here, so `new` must never prompt.
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 60_000, env: { ...process.env, npm_config_update_notifier: 'false', GITHUB_STEP_SUMMARY: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const cli = (args: string[], cwd = repo, binary = bin): Promise<Result> => exec(process.execPath, [binary, ...args], cwd);

/** Replaces every placeholder the scaffold of `<vendor>.<thing>` leaves, the way an author would. */
async function fillPlaceholders(dir: string, id: string): Promise<void> {
  const [vendor, ...rest] = id.split('.');
  const thing = rest.join('.');
  const artifactType = `application/vnd.${vendor}.${thing}.v1`;
  const layer = `application/vnd.${vendor}.${thing}.layer.v1.tar+gzip`;
  const fill = (text: string) =>
    text
      .replace(/"TODO: the manifest artifactType[^"]*"/g, JSON.stringify(artifactType))
      .replace(/"TODO: the layer media type[^"]*"/g, JSON.stringify(layer))
      .replace(/"TODO: say in one sentence[^"]*"/, `"A ${thing} bundle pushed by the ${vendor} CLI."`)
      .replace(/"TODO: what the blob holds[^"]*"/, `"The ${thing} files as a gzipped tar."`)
      .replace(/"TODO: https:\/\/… the project's home page"/, `"https://${vendor}.example"`)
      .replace(/"TODO: https:\/\/… the project's docs[^"]*"/, `"https://${vendor}.example/docs/oci"`)
      .replace(/"TODO: https:\/\/… the tool's docs"/, `"https://${vendor}.example/cli"`)
      .replace(/"TODO: the real pull command[^"]*"/, `"${vendor} pull {registry}/{repository}:{tag}"`)
      .replace(/"TODO: the real push command[^"]*"/, `"${vendor} push {registry}/{repository}:{tag}"`)
      .replace(/"TODO: https:\/\/github\.com\/<owner>[^"]*"/g, `"https://github.com/${vendor}/${vendor}-cli/blob/0123456789abcdef0123456789abcdef01234567/pkg/oci/push.go#L42"`)
      .replace(/"TODO: the tool and versions that push exactly[^"]*"/, `"${vendor} push 1.0 and later"`)
      .replace(/"TODO: the tool and versions that write the config media type[^"]*"/, `"${vendor} push 0.9 (before it set artifactType)"`);
  const examples = (await readdir(path.join(dir, 'examples'))).filter((f) => f.endsWith('.manifest.json')).map((f) => `examples/${f}`);
  for (const file of ['definition.json', ...examples]) {
    const text = await readFile(path.join(dir, file), 'utf8');
    await writeFile(path.join(dir, file), fill(text));
  }
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  await writeFile(path.join(dir, 'README.md'), readme.replace(/^# TODO:.*$/m, `summary: "A ${thing} bundle that the ${vendor} CLI pushes to OCI registries."`).replace(/TODO: /g, ''));
  for (const file of ['definition.json', 'README.md', ...examples]) {
    expect(await readFile(path.join(dir, file), 'utf8')).not.toContain('TODO');
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
  const COPIED = ['bin', 'src', 'scripts', 'schemas', 'definitions', 'README.md', 'CODEOWNERS', 'LICENSE', 'package.json', 'tsconfig.json'];
  let clone: string;
  beforeAll(async () => {
    clone = await mkdtemp(path.join(tmpdir(), 'at-new-clone-'));
    await Promise.all(COPIED.map((entry) => cp(path.join(repo, entry), path.join(clone, entry), { recursive: true })));
    await symlink(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await rm(clone, { recursive: true, force: true });
  });

  it('passes the full validate (generated files included) and CODEOWNERS names its maintainers', async () => {
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

    // Step 4: check the folder (--fix also optimizes the logo), classify the example, bump the
    // catalog version (minor for a new type; the README table shows it), regenerate, check it all.
    const folder = await author(['validate', '--fix', `definitions/${id}`]);
    expect(folder.code, folder.stdout).toBe(0);
    const classified = await author(['classify', `definitions/${id}/examples/sprocket.manifest.json`]);
    expect(classified.code, classified.stderr).toBe(0);
    expect(classified.stdout).toContain(id);
    const catalogFile = path.join(clone, 'definitions/catalog.json');
    const meta = JSON.parse(await readFile(catalogFile, 'utf8'));
    const version = semver.inc(meta.version, 'minor')!;
    await writeFile(catalogFile, `${JSON.stringify({ ...meta, version }, null, 2)}\n`);

    // Until the generated files are regenerated, the full run fails on them: it judges drift.
    const stale = await author(['validate', '--format', 'json']);
    const errors = (JSON.parse(stale.stdout) as { findings: Finding[] }).findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => `${f.rule} ${f.file}`).sort()).toEqual(['generated/drift CODEOWNERS', 'generated/drift README.md']);
    expect(stale.code).toBe(1);

    const codeowners = await exec('npm', ['run', 'codeowners'], clone);
    expect(codeowners.code, codeowners.stderr).toBe(0);
    expect(codeowners.stderr).toMatch(/updated CODEOWNERS/);
    expect((await readFile(path.join(clone, 'CODEOWNERS'), 'utf8')).split('\n')).toContain(`/definitions/${id}/ @octocat @acme/sprocket-maintainers @artifact-types/maintainers`);
    const build = await exec('npm', ['run', 'build'], clone);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toContain('updated README.md');
    expect(build.stderr).toContain(`built ${types} types, catalog ${version}`);

    // The full checker, as CI runs it: no path, so catalog-wide and generated-file rules all apply.
    const full = await author(['validate']);
    expect(full.code, full.stdout).toBe(0);
    expect(full.stdout).toMatch(new RegExp(`^0 errors, \\d+ warnings in ${types} types$`, 'm'));
    expect((await readFile(path.join(clone, 'CODEOWNERS'), 'utf8')).split('\n')).toContain(`/definitions/${id}/ @octocat @acme/sprocket-maintainers @artifact-types/maintainers`);
    const readme = await readFile(path.join(clone, 'README.md'), 'utf8');
    expect(readme).toContain(`catalog version ${version}.`);
    expect(readme).toContain(`| [Acme sprocket](definitions/${id}/README.md) | \`${id}\` |`);
  }, 120_000);
});
