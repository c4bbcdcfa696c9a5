// The generated npm package, proven from a real install: build with the CLI, `npm pack`, install
// the tarball into a fresh project, and use it from there (ESM, CJS, tsc --strict, every example).
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLookup, classify as sourceClassify } from '../../src/classify/index.ts';
import { contributedSchemaAjv } from '../../src/schema/ajv.ts';
import { makeConfigValidator } from '../../src/schema/config-validator.ts';
import { readExamples, type Example } from './examples.ts';
import { buildAndInstall, DEFINITIONS, REPO_ROOT, removeInstall, run, TSC, type InstalledPackage } from './installed-package.ts';

let pkg: InstalledPackage;
let examples: Example[];

beforeAll(async () => {
  pkg = await buildAndInstall();
  examples = await readExamples(DEFINITIONS, pkg.catalog);
});
afterAll(() => removeInstall(pkg));

/** Runs a script file in the consumer project with Node; returns its stdout parsed as JSON. */
async function node(file: string, source: string, flags: string[] = [], input?: unknown): Promise<any> {
  await writeFile(path.join(pkg.project, file), source);
  const args = [...flags, file];
  if (input !== undefined) {
    await writeFile(path.join(pkg.project, `${file}.input.json`), JSON.stringify(input));
    args.push(`${file}.input.json`);
  }
  const { stdout } = await run(process.execPath, args, pkg.project);
  return JSON.parse(stdout);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Runs a command in the consumer project with stdin; resolves with its exit code and output (never rejects). */
function command(file: string, args: string[], input = '', cwd = pkg.project): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}
const npx = (args: string[], input?: string) => command('npx', ['--offline', 'artifact-types', ...args], input);
/** The same installed command without npx's start-up (npx itself is proven by the first test). */
const bin = (args: string[], input?: string) => command(path.join(pkg.project, 'node_modules', '.bin', 'artifact-types'), args, input);
/** The repository's CLI over the catalog the package was built from. */
const repoCli = (args: string[], input?: string) => command(process.execPath, [path.join(REPO_ROOT, 'bin/artifact-types.js'), ...args, '--catalog', path.join(pkg.out, 'catalog.json')], input, REPO_ROOT);

describe('package.json of the installed package', () => {
  it('has the catalog version, no dependencies, no install scripts and a files allowlist', async () => {
    const manifest = JSON.parse(await readFile(path.join(pkg.installed, 'package.json'), 'utf8'));
    const catalogMeta = JSON.parse(await readFile(path.join(DEFINITIONS, 'catalog.json'), 'utf8'));
    expect(manifest.name).toBe('artifact-types');
    expect(manifest.version).toBe(catalogMeta.version);
    expect(manifest.version).toBe(pkg.catalog.version);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'scripts']) expect(manifest[field], field).toBeUndefined();
    expect(Array.isArray(manifest.files)).toBe(true);
    expect(Object.keys(manifest.exports).sort()).toEqual(['.', './catalog.json', './logos/*', './package.json', './schemas/*']);
  });

  it('packs only allowlisted files, including a logo per type and a schema per config schema', () => {
    const manifestFiles: string[] = ['index.js', 'index.js.map', 'index.d.ts', 'types/', 'bin.js', 'catalog.json', 'logos/', 'schemas/'];
    const paths = pkg.packedFiles.map((f) => f.path);
    for (const file of paths) {
      const allowed = ['package.json', 'README.md', 'LICENSE'].includes(file) || manifestFiles.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));
      expect(allowed, file).toBe(true);
    }
    expect(paths).toContain('LICENSE');
    for (const type of pkg.catalog.types) {
      expect(paths).toContain(`logos/${type.id}.svg`);
      if (type.configSchema) expect(paths).toContain(`schemas/${type.id}.json`);
    }
  });
});

describe('importing the installed package', () => {
  it('works from plain Node ESM with code generation from strings disabled', async () => {
    const result = await node('esm.mjs', `
      let codegen = true;
      try { eval('1'); } catch { codegen = false; }
      const pkg = await import('artifact-types');
      const { default: data } = await import('artifact-types/catalog.json', { with: { type: 'json' } });
      console.log(JSON.stringify({ codegen, exports: Object.keys(pkg).sort(), types: pkg.catalog.types.length, version: pkg.version, sameData: JSON.stringify(data) === JSON.stringify(pkg.catalog) }));
    `, ['--disallow-code-generation-from-strings']);
    expect(result.codegen).toBe(false); // the guard is on, so any eval/new Function in the package would throw
    expect(result.exports).toEqual(['catalog', 'classify', 'getType', 'logoSvg', 'typesForMediaType', 'validateConfig', 'version']);
    expect(result.types).toBe(pkg.catalog.types.length);
    expect(result.version).toBe(pkg.catalog.version);
    expect(result.sameData).toBe(true);
  });

  it('works from CommonJS require (Node require of an ES module) and gives the same answers as import', async () => {
    const manifest = examples.find((e) => e.role === 'manifest')!;
    const cjs = await node('cjs.cjs', `
      const pkg = require('artifact-types');
      const input = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
      console.log(JSON.stringify({ exports: Object.keys(pkg).sort(), result: pkg.classify(input.manifest, { config: input.config }), type: pkg.getType(input.id) }));
    `, ['--disallow-code-generation-from-strings'], { manifest: manifest.value, config: manifest.config, id: manifest.id });
    const esm = await node('esm-one.mjs', `
      import { readFileSync } from 'node:fs';
      import { classify } from 'artifact-types';
      const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
      console.log(JSON.stringify(classify(input.manifest, { config: input.config })));
    `, [], { manifest: manifest.value, config: manifest.config });
    expect(cjs.exports).toEqual(['catalog', 'classify', 'getType', 'logoSvg', 'typesForMediaType', 'validateConfig', 'version']);
    expect(cjs.result).toEqual(esm);
    expect(cjs.result.id).toBe(manifest.id);
    expect(cjs.type.id).toBe(manifest.id);
  });

  it('validates against the image-spec and names a tag-schema index a referrers list, as the source does', async () => {
    const sha = (c: string) => `sha256:${c.repeat(64)}`;
    const input = {
      index: { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha('a'), size: 800, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }] },
      tag: `sha256-${'b'.repeat(64)}`,
      bad: { schemaVersion: 2, config: { mediaType: 'invalid', digest: sha('c'), size: 2 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha('d'), size: '675598' }] },
    };
    const result = await node('referrers.mjs', `
      import { readFileSync } from 'node:fs';
      import { classify } from 'artifact-types';
      const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
      console.log(JSON.stringify({ list: classify(input.index, { tag: input.tag }), bad: classify(input.bad) }));
    `, [], input);
    expect(result.list.id).toBeNull();
    expect(result.list.referrersList).toEqual(sourceClassify(buildLookup(pkg.catalog.types), input.index, { tag: input.tag }).referrersList);
    expect(result.list.referrersList.entries[0].id).toBe('sigstore.bundle');
    expect(result.bad.validation.map((v: { code: string; path: string }) => [v.code, v.path])).toEqual([['media-type', '/mediaType'], ['descriptor-media-type', '/config/mediaType'], ['descriptor-size', '/layers/0/size']]);
  });
});

describe('classification through the installed package', () => {
  let results: Array<{ file: string; result: any }>;
  beforeAll(async () => {
    results = await node('classify-all.mjs', `
      import { readFileSync } from 'node:fs';
      import { classify } from 'artifact-types';
      const examples = JSON.parse(readFileSync(process.argv[2], 'utf8'));
      console.log(JSON.stringify(examples.map((e) => ({ file: e.file, result: classify(e.value, e.config === undefined ? {} : { config: e.config }) }))));
    `, ['--disallow-code-generation-from-strings'], examples.filter((e) => e.role !== 'config'));
  });

  it('classifies every example manifest of every definition as its own type, without errors', () => {
    const manifests = examples.filter((e) => e.role === 'manifest');
    expect(new Set(manifests.map((e) => e.id)).size).toBe(pkg.catalog.types.length); // every type has one
    for (const example of manifests) {
      const { result } = results.find((r) => r.file === example.file)!;
      expect(result.id, example.file).toBe(example.id);
      expect(result.conformance.filter((c: { severity: string }) => c.severity === 'error'), example.file).toEqual([]);
    }
  });

  it('does not take a negative example for a conforming instance of its type', () => {
    for (const example of examples.filter((e) => e.role === 'not-this')) {
      const { result } = results.find((r) => r.file === example.file)!;
      expect(result.id === example.id && result.conformance.length === 0, example.file).toBe(false);
    }
  });

  it('answers exactly as the source classifier does (same module, compiled)', () => {
    const lookup = buildLookup(pkg.catalog.types);
    const validateConfig = makeConfigValidator(pkg.catalog);
    for (const example of examples.filter((e) => e.role !== 'config')) {
      const expected = sourceClassify(lookup, example.value, example.config === undefined ? { validateConfig } : { config: example.config, validateConfig });
      expect(results.find((r) => r.file === example.file)!.result, example.file).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });
});

describe('config validation, lookups and logos through the installed package', () => {
  it('accepts every example config and agrees with ajv on invalid ones', async () => {
    const typesWithSchema = pkg.catalog.types.filter((t) => t.configSchema);
    const cases = [
      ...examples.filter((e) => e.role === 'config').map((e) => ({ id: e.id, value: e.value, example: true })),
      ...typesWithSchema.flatMap((t) => [{}, 42, null, [], { architecture: 7 }, 'x'].map((value) => ({ id: t.id, value, example: false }))),
    ];
    const answers: Array<unknown[] | null> = await node('validate.mjs', `
      import { readFileSync } from 'node:fs';
      import { validateConfig } from 'artifact-types';
      const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
      console.log(JSON.stringify([...cases.map((c) => validateConfig(c.id, c.value)), validateConfig('no.such.type', {})]));
    `, ['--disallow-code-generation-from-strings'], cases);
    expect(answers.pop()).toBeNull();
    cases.forEach((c, i) => {
      const schema = pkg.catalog.types.find((t) => t.id === c.id)!.configSchema;
      if (!schema) {
        // A config example for a type without a config schema: nothing to validate against.
        expect(answers[i], `${c.id} has no config schema`).toBeNull();
        return;
      }
      const valid = contributedSchemaAjv().compile(schema)(c.value);
      if (c.example) expect(answers[i], `${c.id} example config`).toEqual([]);
      expect(answers[i]!.length === 0, `${c.id} ${JSON.stringify(c.value)}`).toBe(valid);
      for (const error of answers[i]!) expect(error).toEqual({ pointer: expect.any(String), message: expect.any(String) });
    });
    expect(cases.filter((c) => c.example).length).toBeGreaterThan(0);
  });

  it('bounds the work of a hostile config: 2,000,000 diff_ids get one finding at once, a deep config no stack overflow (issue #18)', async () => {
    const manifest = examples.find((e) => e.id === 'opencontainers.image' && e.role === 'manifest')!;
    const answer = await node('hostile-config.mjs', `
      import { classify, validateConfig } from 'artifact-types';
      const config = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: Array.from({ length: 2_000_000 }, (_, i) => i % 10) } };
      let deep = {};
      for (let i = 0; i < 100000; i++) deep = { config: deep };
      const started = performance.now();
      const direct = validateConfig('opencontainers.image', config);
      const classified = classify(JSON.parse(process.argv[2] ? (await import('node:fs')).readFileSync(process.argv[2], 'utf8') : 'null'), { config });
      const ms = performance.now() - started;
      console.log(JSON.stringify({ direct, conformance: classified.conformance, id: classified.id, deep: validateConfig('opencontainers.image', deep), ms }));
    `, ['--disallow-code-generation-from-strings'], manifest.value);
    expect(answer.direct).toEqual([{ pointer: '', message: expect.stringMatching(/^config has more than 100000 values: too large to check/) }]);
    expect(answer.id).toBe('opencontainers.image');
    expect(answer.conformance.filter((c: { code: string }) => c.code === 'config-schema')).toHaveLength(1);
    expect(answer.deep).toEqual([{ pointer: '', message: expect.stringMatching(/^config nests deeper than 64 levels/) }]);
    expect(answer.ms).toBeLessThan(500);
  });

  it('finds types by id and alias, media type uses with roles, and reads every logo', async () => {
    const answer = await node('lookups.mjs', `
      import { createRequire } from 'node:module';
      import { readFileSync } from 'node:fs';
      import { catalog, getType, typesForMediaType, logoSvg } from 'artifact-types';
      const require = createRequire(import.meta.url);
      console.log(JSON.stringify(catalog.types.map((t) => ({
        id: t.id,
        byId: getType(t.id)?.id,
        byAlias: t.aliases.map((a) => getType(a)?.id),
        uses: [...t.artifactTypes, ...t.configMediaTypes, ...t.layers, ...t.manifestMediaTypes].map((m) => typesForMediaType(m.mediaType).filter((u) => u.id === t.id).map((u) => u.role)),
        logo: logoSvg(t.id),
        logoFile: readFileSync(require.resolve('artifact-types/logos/' + t.id + '.svg'), 'utf8'),
        schemaFile: t.configSchema ? JSON.parse(readFileSync(require.resolve('artifact-types/schemas/' + t.id + '.json'), 'utf8')) : null,
      })).concat([{ unknown: [getType('no.such.type') ?? null, logoSvg('no.such.type') ?? null, typesForMediaType('application/x-nothing')] }])));
    `);
    const unknown = answer.pop();
    expect(unknown).toEqual({ unknown: [null, null, []] });
    for (const [i, type] of pkg.catalog.types.entries()) {
      const got = answer[i];
      expect(got.byId).toBe(type.id);
      expect(got.byAlias).toEqual(type.aliases.map(() => type.id));
      for (const roles of got.uses) expect(roles.length, type.id).toBeGreaterThan(0);
      const logo = await readFile(path.join(DEFINITIONS, type.id, 'logo.svg'), 'utf8');
      expect(got.logo).toBe(logo);
      expect(got.logoFile).toBe(logo);
      expect(got.schemaFile).toEqual(type.configSchema);
    }
  });
});

describe('TypeScript consumers', () => {
  it('type-check with tsc --strict from an ES module and a CommonJS module, with ArtifactTypeId a union of the ids', async () => {
    const [first, second] = pkg.catalog.types;
    await writeFile(path.join(pkg.project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [], noUncheckedIndexedAccess: true },
      files: ['consumer.ts', 'consumer.cts'],
    }));
    await writeFile(path.join(pkg.project, 'consumer.ts'), `
      import { catalog, classify, getType, logoSvg, typesForMediaType, validateConfig, type ArtifactType, type ArtifactTypeId, type Catalog, type Classification, type MediaTypeUse, type Role } from 'artifact-types';
      const id: ArtifactTypeId = ${JSON.stringify(first!.id)};
      const other: ArtifactTypeId = ${JSON.stringify((second ?? first)!.id)};
      // @ts-expect-error not an id in the catalog
      const wrong: ArtifactTypeId = 'no.such.type';
      const known: ArtifactType = getType(id);
      const ids: ArtifactTypeId[] = catalog.types.map((t) => t.id);
      const knownId: ArtifactTypeId = getType(id).id;
      const users: ArtifactTypeId[] = typesForMediaType('application/vnd.oci.image.manifest.v1+json').map((u) => u.id);
      const maybe: ArtifactType | undefined = getType(String(other));
      const data: Catalog = catalog;
      const result: Classification = classify({ schemaVersion: 2, config: { mediaType: 'x/y', digest: 'sha256:0', size: 0 }, layers: [] }, { config: {} });
      const classifiedId: ArtifactTypeId | null = result.id;
      // @ts-expect-error the classification's id is one of the catalog's ids, not any string
      const notAnId: typeof result.id = 'no.such.type';
      const wrapped: Classification = classify({ manifest: {}, config: {} });
      const signal: string | null = result.signal;
      const roles: Role[] = typesForMediaType('application/vnd.oci.image.manifest.v1+json').map((u: MediaTypeUse) => u.role);
      const errors = validateConfig(id, {});
      const firstError: string | undefined = errors?.[0]?.message;
      const svg: string = logoSvg(id);
      export { known, maybe, data, signal, roles, firstError, svg, wrong, ids, knownId, users, classifiedId, notAnId, wrapped };
    `);
    await writeFile(path.join(pkg.project, 'consumer.cts'), `
      import { classify, getType, type ArtifactTypeId } from 'artifact-types';
      const id: ArtifactTypeId = ${JSON.stringify(first!.id)};
      export const name: string = getType(id).displayName;
      export const kind: 'manifest' | 'index' | null = classify({}).kind;
    `);
    await run(TSC, ['-p', 'tsconfig.json'], pkg.project);
    // And the checks are real: a wrong use is an error.
    await writeFile(path.join(pkg.project, 'consumer.cts'), `
      import { getType } from 'artifact-types';
      export const name: number = getType('x')?.displayName;
    `);
    await expect(run(TSC, ['-p', 'tsconfig.json'], pkg.project)).rejects.toThrow(/consumer\.cts.*error TS2322/s);
  });
});

describe('the command from the installed package (npx artifact-types)', () => {
  it('npx runs classify (a file and standard input), get and lookup in a fresh project', async () => {
    const example = examples.find((e) => e.role === 'manifest' && e.config === undefined)!;
    await writeFile(path.join(pkg.project, 'm.json'), JSON.stringify(example.value));
    const [fromFile, fromStdin, get, lookup] = await Promise.all([
      npx(['classify', 'm.json']),
      npx(['classify', '-', '--format', 'text'], JSON.stringify(example.value)),
      npx(['get', example.id, '--format', 'text']),
      npx(['lookup', 'application/vnd.oci.image.manifest.v1+json']),
    ]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(JSON.parse(fromFile.stdout).id).toBe(example.id);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toContain(`(${example.id}), matched by`);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.split('\n')[0]).toContain(`(${example.id})`);
    expect(lookup.code, lookup.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(lookup.stdout))).toBe(true);
  }, 120_000);

  it('classifies every example manifest from a file and from standard input, exit 0 for its own type (1 where the tool itself breaks a MUST of the spec)', async () => {
    const manifests = examples.filter((e) => e.role === 'manifest' && e.config === undefined);
    for (const [n, example] of manifests.entries()) {
      const input = JSON.stringify(example.value);
      // Alternate file and stdin: both paths are covered.
      if (n % 2 === 0) await writeFile(path.join(pkg.project, `m${n}.json`), input);
      const result = n % 2 === 0 ? await bin(['classify', `m${n}.json`]) : await bin(['classify', '-'], input);
      const answer = JSON.parse(result.stdout) as { id: string; validation: Array<{ severity: string }> };
      expect(answer.id, example.file).toBe(example.id);
      // A few tools write what the spec forbids (cnab-to-oci's manifest list without platforms): known, yet exit 1.
      expect(result.code, `${example.file}: ${result.stderr}`).toBe(answer.validation.some((v) => v.severity === 'error') ? 1 : 0);
    }
  }, 120_000);

  it('prints what the repository CLI prints, with the same exit codes, for classify, get and lookup', async () => {
    const example = examples.find((e) => e.role === 'manifest' && e.config === undefined)!;
    const negative = examples.find((e) => e.role === 'not-this');
    const type = pkg.catalog.types.find((t) => t.id === example.id)!;
    const mediaType = type.configMediaTypes[0]?.mediaType ?? type.artifactTypes[0]!.mediaType;
    const cases: Array<{ args: string[]; input?: string }> = [
      { args: ['classify', '-', '--format', 'text'], input: JSON.stringify(example.value) },
      { args: ['classify', '-'], input: JSON.stringify(negative?.value ?? example.value) },
      { args: ['classify', '-', '--format', 'text'], input: JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.example.unknown.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [] }) },
      { args: ['get', type.id, '--format', 'text'] },
      { args: ['get', 'no.such.type'] },
      { args: ['lookup', mediaType, '--format', 'text'] },
    ];
    // The repository CLI starts slowly (it loads every command): run the pairs side by side.
    const answers = await Promise.all(cases.map((c) => Promise.all([bin(c.args, c.input), repoCli(c.args, c.input)])));
    for (const [n, [fromPackage, fromRepo]] of answers.entries()) {
      const what = cases[n]!.args.join(' ');
      expect(fromRepo.stderr, what).not.toMatch(/\n\s+at /);
      expect(fromPackage.stdout, `${what}: ${fromRepo.stderr}`).toBe(fromRepo.stdout);
      expect(fromPackage.code, what).toBe(fromRepo.code);
    }
    const unknown = await bin(cases[2]!.args, cases[2]!.input);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^unknown artifact type/);
    expect(answers[4]![0].code).toBe(1);
    expect((await bin(['lookup', 'application/x-nothing'])).code).toBe(1);
  }, 300_000);

  it('takes --config with classify, and answers usage errors with exit 2 and a clear message', async () => {
    const withConfig = examples.find((e) => e.role === 'manifest' && e.config !== undefined);
    if (withConfig) {
      await writeFile(path.join(pkg.project, 'c.json'), JSON.stringify(withConfig.config));
      const result = await bin(['classify', '-', '--config', 'c.json'], JSON.stringify(withConfig.value));
      expect(JSON.parse(result.stdout).id, withConfig.file).toBe(withConfig.id);
    }
    const missing = await bin(['classify', 'nothing-here.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('manifest nothing-here.json does not exist');
    const broken = await bin(['classify', '-'], '{"a": 1,');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/manifest <stdin>:1:\d+: /);
    for (const args of [[], ['bogus'], ['classify'], ['classify', 'a', 'b'], ['get', 'x', '--format', 'yaml'], ['lookup', 'x', '--nope'], ['get', 'x', '--config', 'c.json'], ['push', 'x']]) {
      const result = await bin(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^artifact-types: .+\n\(run with --help for usage\)\n$/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const help = await bin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('classify <manifest.json|->');
  }, 120_000);
});

describe('the { manifest, config } form of classify', () => {
  it('gives the same answer as classify(manifest, { config }), and prefixes error pointers with /manifest', async () => {
    const inputs = examples.filter((e) => e.role === 'manifest');
    const result = await node('wrapper.mjs', `
      import { readFileSync } from 'node:fs';
      import { classify } from 'artifact-types';
      const examples = JSON.parse(readFileSync(process.argv[2], 'utf8'));
      console.log(JSON.stringify({
        same: examples.map((e) => JSON.stringify(classify({ manifest: e.value, config: e.config })) === JSON.stringify(classify(e.value, { config: e.config }))),
        bad: classify({ manifest: { layers: 3 } }).error,
        extra: classify({ manifest: {}, other: 1 }).error,
        twice: classify({ manifest: {}, config: {} }, { config: {} }).error,
      }));
    `, [], inputs);
    expect(result.same).toEqual(inputs.map(() => true));
    expect(result.bad.pointer).toMatch(/^\/manifest\//);
    expect(result.extra).toEqual({ pointer: '/other', message: expect.stringContaining('the { manifest, config, tag, referrersOf } form takes only those fields') });
    expect(result.twice.pointer).toBe('/config');
  });
});

describe('what a reader of the package sees', () => {
  it('flat declarations (index.d.ts and types/, no repository paths) and a source map for index.js', async () => {
    const files = (await filesUnder(pkg.installed)).map((f) => path.relative(pkg.installed, f).split(path.sep).join('/'));
    const declarations = files.filter((f) => f.endsWith('.d.ts'));
    expect(declarations).toContain('index.d.ts');
    for (const file of declarations) {
      expect(file, file).toMatch(/^(index\.d\.ts|types\/[a-z-]+(\/[a-z-]+)?\.d\.ts)$/);
      expect(await readFile(path.join(pkg.installed, file), 'utf8'), file).not.toMatch(/scripts\/package|\/src\/|\.ts['"]/);
    }
    const code = await readFile(path.join(pkg.installed, 'index.js'), 'utf8');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    const map = JSON.parse(await readFile(path.join(pkg.installed, 'index.js.map'), 'utf8'));
    expect(map.version).toBe(3);
    expect(map.sources).toContain('src/classify/classify.ts');
    const classifySource = map.sourcesContent[map.sources.indexOf('src/classify/classify.ts')];
    expect(classifySource).toBe(await readFile(path.join(REPO_ROOT, 'src/classify/classify.ts'), 'utf8'));
    // The catalog is not carried a second time inside the map.
    expect(map.sourcesContent[map.sources.indexOf('scripts/package/runtime/generated.ts')]).toBeNull();
  });

  it('explains in the README what "required" means on a layer that is one of several', async () => {
    const readme = await readFile(path.join(pkg.installed, 'README.md'), 'utf8');
    expect(readme).toContain('**required: one of N** marks alternatives');
    for (const type of pkg.catalog.types) {
      const required = type.layers.filter((l) => l.required).length;
      if (required > 1) expect(readme, type.id).toContain(`\`${type.layers.find((l) => l.required)!.mediaType}\` (required: one of ${required}`);
    }
  });
});

describe('no run-time code generation', () => {
  it('ships no eval( or Function( in any file, and the code imports nothing', async () => {
    const files = await filesUnder(pkg.installed);
    expect(files.length).toBeGreaterThan(pkg.catalog.types.length);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(/\beval\(/.test(text), file).toBe(false);
      expect(/\bFunction\(/.test(text), file).toBe(false);
      if (file.endsWith('.js')) {
        expect(/(?<!['"])\brequire\(/.test(text), file).toBe(false);
        expect(/\bimport\(/.test(text), file).toBe(false);
        const imports = [...text.matchAll(/^\s*import\s[^;\n]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
        // The command alone imports: Node built-ins and the package's own index.js.
        if (path.basename(file) === 'bin.js') expect(imports.filter((i) => !/^node:[a-z_]+$/.test(i!) && i !== './index.js'), file).toEqual([]);
        else expect(imports, file).toEqual([]);
      }
    }
  });

  it('compiles nothing when imported and used: Function and eval are traps', async () => {
    const result = await node('traps.mjs', `
      const calls = [];
      const RealFunction = Function;
      const trap = new Proxy(RealFunction, { apply(t, self, args) { calls.push('Function'); return Reflect.apply(t, self, args); }, construct(t, args) { calls.push('new Function'); return Reflect.construct(t, args); } });
      globalThis.Function = trap;
      Object.defineProperty(RealFunction.prototype, 'constructor', { value: trap });
      const realEval = globalThis.eval;
      globalThis.eval = (code) => { calls.push('eval'); return realEval(code); };
      const pkg = await import('artifact-types');
      const example = pkg.catalog.types.find((t) => t.example)?.example;
      pkg.classify(example, { config: {} });
      for (const t of pkg.catalog.types) { pkg.validateConfig(t.id, {}); pkg.logoSvg(t.id); pkg.typesForMediaType(t.manifestMediaTypes[0].mediaType); }
      // Prove the traps catch code generation when it happens.
      new Function('return 1');
      console.log(JSON.stringify(calls));
    `);
    expect(result).toEqual(['new Function']);
  });
});
