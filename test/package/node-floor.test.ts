// The stated Node floor is true: every package the lockfile installs accepts the oldest Node that
// package.json's engines (and the README) allow, so `npm ci` on it prints no EBADENGINE. This is the
// same check npm makes (semver.satisfies of each package's engines.node), made for the floor rather
// than for whichever Node runs the test.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './installed-package.ts';

const json = async (file: string) => JSON.parse(await readFile(path.join(REPO_ROOT, file), 'utf8'));

describe('the Node floor', () => {
  it('every locked package accepts the lowest Node of each major that package.json allows, and the README states it', async () => {
    const manifest = await json('package.json');
    const lock = await json('package-lock.json');
    const floor: string = manifest.engines.node;
    expect(lock.packages[''].engines.node).toBe(floor);
    // The lowest version of each alternative the range allows (e.g. 20.19.0 and 22.13.0).
    const lowest = floor.split('||').map((part) => semver.minVersion(part.trim())!.version);
    expect(lowest).toContain('20.19.0');
    const refusing: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } | string[] }>)) {
      const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      if (!name || !range) continue;
      for (const node of lowest) if (!semver.satisfies(node, range)) refusing.push(`${name}@${entry.version} needs node ${range}, not ${node}`);
    }
    expect(refusing).toEqual([]);
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('Node.js 20.19 or newer (22.13 or newer on Node 22)');
  });
});
