// `npm run build` killed at any moment (SIGKILL, no chance to clean up): dist is always one complete
// build, the previous or the new one, never missing or half-written; the next build cleans up.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildsDir } from '../../src/catalog/dist.ts';
import { writeReliabilitySection } from '../reliability-report.ts';

const BIN = path.resolve('bin/artifact-types.js');
const temp = mkdtempSync(path.join(os.tmpdir(), 'build-kill-'));
const root = path.join(temp, 'definitions');
const out = path.join(temp, 'dist');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const build = ['build', '--root', root, '--out', out, '--no-generated'];

/** A complete build: its catalog parses, and every file the catalog promises is there. */
function completeBuild(): string {
  const catalog = JSON.parse(readFileSync(path.join(out, 'catalog.json'), 'utf8')) as { digest: string; version: string; types: Array<{ id: string; configSchema: unknown }> };
  for (const type of catalog.types) {
    expect(existsSync(path.join(out, 'logos', `${type.id}.svg`)), type.id).toBe(true);
    if (type.configSchema) expect(existsSync(path.join(out, 'schemas', `${type.id}.json`)), type.id).toBe(true);
  }
  const pkg = JSON.parse(readFileSync(path.join(out, 'package', 'package.json'), 'utf8')) as { version: string };
  expect(pkg.version).toBe(catalog.version);
  expect(existsSync(path.join(out, 'package', 'index.js'))).toBe(true);
  return `${catalog.version} ${catalog.digest}`;
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
    expect(spawnSync(process.execPath, [BIN, ...build], { encoding: 'utf8' }).status).toBe(0);
    const duration = Date.now() - started;
    const previous = completeBuild();
    bumpCatalogVersion('1.0.1');
    const seen = new Set<string>();
    const rows: string[] = [];
    // Spread over the build's measured lifetime, densest near the end (writing files, the swap).
    for (const fraction of [0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9, 0.93, 0.96, 0.98, 1, 1.02, 1.05, 1.5]) {
      const ms = Math.round(duration * fraction);
      const code = await killAfter(ms);
      const outcome = completeBuild() === previous ? 'previous' : 'new';
      seen.add(outcome);
      rows.push(`| ${ms} ms | ${code === null ? 'killed (SIGKILL)' : `finished first (exit ${code})`} | the ${outcome} build, complete |`);
      expect(readlinkSync(out)).toMatch(/^\.dist-builds\/build-/);
    }
    // At least the early kills must have hit a build in progress.
    expect(seen.has('previous')).toBe(true);
    // A build that completes replaces everything and leaves nothing behind.
    expect(spawnSync(process.execPath, [BIN, ...build], { encoding: 'utf8' }).status).toBe(0);
    expect(completeBuild()).not.toBe(previous);
    expect(readdirSync(buildsDir(out))).toHaveLength(1);
    expect(readdirSync(temp).filter((name) => /\.(link|staging|old)-/.test(name))).toEqual([]);
    writeReliabilitySection(
      'faults-build-kill',
      `## Faults: \`npm run build\` killed half way\n\nA real build process, killed with SIGKILL after each delay; then dist/ was read back: its catalog parsed, every logo and schema it lists present, the npm package present with the catalog's version. test/faults/build-kill.test.ts.\n\n| Killed after | Process | dist/ afterwards |\n| --- | --- | --- |\n${rows.join('\n')}\n\nCases: ${rows.length}; failures: 0. A final complete build left exactly one build directory and no stray links.`,
    );
  });
});
