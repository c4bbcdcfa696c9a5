// Issue #18, item 2: the validator classify runs on a config anyone can send stops early and bounds
// its work: first errors only, at most CONFIG_LIMITS.errors of them, and no validation at all of a
// config too big or too deep. The checker's own examples keep the full listing (contributedSchemaAjv).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contributedSchemaAjv } from '../../src/schema/ajv.ts';
import { CONFIG_LIMITS, checkConfig, configTooLarge } from '../../src/schema/config-budget.ts';
import { makeConfigValidator } from '../../src/schema/config-validator.ts';
import type { Catalog } from '../../src/model/catalog.ts';

const DEFINITIONS = path.resolve('definitions');
const schemaOf = (id: string) => JSON.parse(readFileSync(path.join(DEFINITIONS, id, 'config.schema.json'), 'utf8')) as Record<string, unknown>;
const imageConfig = JSON.parse(readFileSync(path.join(DEFINITIONS, 'opencontainers.image', 'examples', 'alpine.config.json'), 'utf8')) as { rootfs: Record<string, unknown> };
/** Just what makeConfigValidator reads from a catalog. */
const catalogWith = (id: string, configSchema: Record<string, unknown>) => ({ types: [{ id, configSchema }] }) as unknown as Catalog;
const withDiffIds = (diffIds: unknown[]) => ({ ...imageConfig, rootfs: { ...imageConfig.rootfs, diff_ids: diffIds } });

/** The fastest of three runs (the machine is shared; the first run also warms the code up). */
function timed<T>(run: () => T): { value: T; ms: number } {
  let best = Number.POSITIVE_INFINITY;
  let value!: T;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    value = run();
    best = Math.min(best, performance.now() - started);
  }
  return { value, ms: best };
}

describe('config validation for classify', () => {
  const validate = makeConfigValidator(catalogWith('opencontainers.image', schemaOf('opencontainers.image')));
  validate('opencontainers.image', imageConfig); // compile once, outside the timings

  it('answers a 2,000,000-item diff_ids at once, with one finding, without validating it', () => {
    const config = withDiffIds(Array.from({ length: 2_000_000 }, (_, i) => i % 10));
    const { value, ms } = timed(() => validate('opencontainers.image', config));
    expect(value).toEqual([{ pointer: '', message: expect.stringMatching(/^config has more than 100000 values: too large to check/) }]);
    expect(ms).toBeLessThan(50);
  });

  it('stops at the first error of a config just under the limit (the all-errors validator lists every one)', () => {
    const config = withDiffIds(Array.from({ length: CONFIG_LIMITS.values - 100 }, (_, i) => i));
    const first = timed(() => validate('opencontainers.image', config));
    expect(first.value).toHaveLength(1);
    expect(first.value![0]).toEqual({ pointer: '/rootfs/diff_ids/0', message: '/rootfs/diff_ids/0 must be string' });
    const all = contributedSchemaAjv().compile(schemaOf('opencontainers.image'));
    all(config);
    expect(all.errors!.length).toBeGreaterThan(CONFIG_LIMITS.values - 200);
    expect(first.ms).toBeLessThan(50);
  });

  it('validates a large valid config under the limit in linear time', () => {
    const diffIds = Array.from({ length: CONFIG_LIMITS.values - 100 }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`);
    const config = withDiffIds(diffIds);
    const { value, ms } = timed(() => validate('opencontainers.image', config));
    expect(value).toEqual([]);
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a config nested deeper than the limit before a recursive schema follows it down', () => {
    const recursive = { $id: 'https://example.com/tree', type: 'object', properties: { child: { $ref: '#' } } };
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { child: deep };
    const answer = makeConfigValidator(catalogWith('example.tree', recursive))('example.tree', deep);
    expect(answer).toEqual([{ pointer: '', message: expect.stringMatching(/^config nests deeper than 64 levels/) }]);
  });

  it('reports at most CONFIG_LIMITS.errors problems and turns a throwing validator into a finding', () => {
    const many = Object.assign(() => false, { errors: Array.from({ length: 500 }, (_, i) => ({ instancePath: `/${i}`, message: 'is wrong' })) });
    expect(checkConfig(many, {})).toHaveLength(CONFIG_LIMITS.errors);
    const overflow = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    expect(checkConfig(overflow, {})).toEqual([{ pointer: '', message: expect.stringMatching(/could not be checked/) }]);
  });

  it('answers a schema that does not compile with a finding, every time, instead of throwing', () => {
    const validate = makeConfigValidator(catalogWith('example.broken', { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }));
    for (let i = 0; i < 2; i++) expect(validate('example.broken', { a: 1 })).toEqual([{ pointer: '', message: expect.stringMatching(/^config not checked: the type's config schema does not compile/) }]);
  });

  it('counts values and depth without walking past the limits', () => {
    expect(configTooLarge({ a: [1, 2, { b: 'c' }] })).toBeNull();
    expect(configTooLarge(Array.from({ length: CONFIG_LIMITS.values + 1 }, () => 0))).toMatch(/more than/);
    expect(configTooLarge(Array.from({ length: 1000 }, () => Array.from({ length: 200 }, () => 0)))).toMatch(/more than/);
  });
});
