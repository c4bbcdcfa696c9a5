// `npm run build` killed at any moment (SIGKILL, no chance to clean up): dist is always one complete
// build, the previous or the new one, never missing or half-written; the next build cleans up.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildsDir } from '../../src/catalog/dist.ts';
import { Checks, reliabilitySection } from '../reliability-report.ts';

const report = reliabilitySection('faults-build-kill', 'Faults: `npm run build` killed half way');
const BIN = path.resolve('bin/artifact-types.js');
const temp = mkdtempSync(path.join(os.tmpdir(), 'build-kill-'));
const root = path.join(temp, 'definitions');
const out = path.join(temp, 'dist');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const build = ['build', '--root', root, '--out', out, '--no-generated'];

/**
 * What dist/ holds: a complete build (its catalog parses, every file the catalog promises is there,
 * the npm package carries the catalog's version) identified by "<version> <digest>", or the problems.
 */
function inspectBuild(): { build?: string; problems: string[] } {
  const problems: string[] = [];
  try {
    if (!/^\.dist-builds\/build-/.test(readlinkSync(out))) problems.push(`dist links to ${readlinkSync(out)}, not a build directory`);
    const catalog = JSON.parse(readFileSync(path.join(out, 'catalog.json'), 'utf8')) as { digest: string; version: string; types: Array<{ id: string; configSchema: unknown }> };
    for (const type of catalog.types) {
      if (!existsSync(path.join(out, 'logos', `${type.id}.svg`))) problems.push(`logos/${type.id}.svg missing`);
      if (type.configSchema && !existsSync(path.join(out, 'schemas', `${type.id}.json`))) problems.push(`schemas/${type.id}.json missing`);
    }
    const pkg = JSON.parse(readFileSync(path.join(out, 'package', 'package.json'), 'utf8')) as { version: string };
    if (pkg.version !== catalog.version) problems.push(`package version ${pkg.version}, catalog version ${catalog.version}`);
    if (!existsSync(path.join(out, 'package', 'index.js'))) problems.push('package/index.js missing');
    return problems.length ? { problems } : { build: `${catalog.version} ${catalog.digest}`, problems };
  } catch (error) {
    return { problems: [...problems, (error as Error).message] };
  }
}

function bumpCatalogVersion(version: string): void {
  const file = path.join(root, 'catalog.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), version }, null, 2));
}

function killAfter(ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...build], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('build killed half way', { timeout: 600_000 }, () => {
  it('always leaves dist as the previous or the new complete build', async () => {
    cpSync(path.resolve('definitions'), root, { recursive: true });
    bumpCatalogVersion('1.0.0');
    const started = Date.now();
    const initial = spawnSync(process.execPath, [BIN, ...build], { encoding: 'utf8' });
    expect(initial.status, initial.stderr.slice(-2000)).toBe(0);
    const duration = Date.now() - started;
    const first = inspectBuild();
    expect(first.problems).toEqual([]);
    const previous = first.build!;
    bumpCatalogVersion('1.0.1');
    const checks = new Checks();
    const seen = new Set<string>();
    const rows: string[] = [];
    let broken = 0;
    // Spread over the build's measured lifetime, densest near the end (writing files, the swap).
    for (const fraction of [0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 0.93, 0.96, 0.98, 1, 1.02, 1.05, 1.5]) {
      const ms = Math.round(duration * fraction);
      const code = await killAfter(ms);
      const { build: found, problems } = inspectBuild();
      const outcome = found === undefined ? 'broken' : found === previous ? 'previous' : 'new';
      seen.add(outcome);
      if (outcome === 'broken') broken++;
      checks.check(`killed after ${ms} ms: dist/ is a complete build`, problems.length === 0, problems.slice(0, 3).join('; '));
      rows.push(`| ${ms} ms | ${code === null ? 'killed (SIGKILL)' : `finished first (exit ${code})`} | ${outcome === 'broken' ? `**not a complete build**: ${problems.slice(0, 3).join('; ').replace(/\|/g, '\\|')}` : `the ${outcome} build, complete`} |`);
    }
    // At least the early kills must have hit a build in progress.
    checks.check('some kill left the previous build (hit a build in progress)', seen.has('previous'), `outcomes: ${[...seen].join(', ')}`);
    // A build that completes replaces everything and leaves nothing behind.
    const final = spawnSync(process.execPath, [BIN, ...build], { encoding: 'utf8' });
    checks.check('a final build completes', final.status === 0, `exit ${final.status}: ${final.stderr.slice(0, 200)}`);
    const last = inspectBuild();
    checks.check('the final build is complete and new', last.problems.length === 0 && last.build !== previous, last.problems.slice(0, 3).join('; ') || 'still the previous build');
    const buildDirs = readdirSync(buildsDir(out));
    checks.check('exactly one build directory is left', buildDirs.length === 1, `${buildDirs.length}: ${buildDirs.join(', ')}`);
    const stray = readdirSync(temp).filter((name) => /\.(link|staging|old)-/.test(name));
    checks.check('no stray link, staging or old entries', stray.length === 0, stray.join(', '));
    report.record(
      `A real build process, killed with SIGKILL after each delay; then dist/ was read back: its catalog parsed, every logo and schema it lists present, the npm package present with the catalog's version. test/faults/build-kill.test.ts.\n\n| Killed after | Process | dist/ afterwards |\n| --- | --- | --- |\n${rows.join('\n')}\n\nCases: ${rows.length}; left dist/ incomplete: ${broken}. A final complete build (exit ${final.status}) left ${buildDirs.length} build director${buildDirs.length === 1 ? 'y' : 'ies'} and ${stray.length} stray link, staging or old entries. ${checks.summary()}`,
    );
    expect(checks.failed).toEqual([]);
  });
});
