// Shared by the property suites: fixed seeds, bounded runs, a prototype-pollution guard, and the
// results table each suite writes into docs/reliability/checker.md.
import fc from 'fast-check';
import { expect } from 'vitest';
import { cell, writeReportSection } from '../hostile/reliability-report.ts';

export interface PropertyOutcome {
  name: string;
  seed: number;
  numRuns: number;
  passed: boolean;
}

/** Own keys of Object.prototype (and Array/Function prototypes): a polluting write adds one. */
export function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|');
}

/**
 * Hunting mode: PROPERTY_SEED_OFFSET=<n> and PROPERTY_RUNS_SCALE=<k> try other seeds and k times as many
 * inputs (e.g. before a release). Such runs never write the report, which records the fixed-seed run.
 */
const SEED_OFFSET = Number(process.env.PROPERTY_SEED_OFFSET ?? 0);
const RUNS_SCALE = Number(process.env.PROPERTY_RUNS_SCALE ?? 1);
const HUNTING = SEED_OFFSET !== 0 || RUNS_SCALE !== 1;

/** Keys a hostile JSON document uses to reach prototypes, mixed into generated objects. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** Runs a property with a fixed seed and records its outcome; fails the test with fast-check's report. */
export async function holds(outcomes: PropertyOutcome[], name: string, property: fc.IAsyncPropertyWithHooks<any> | fc.IPropertyWithHooks<any>, seed: number, numRuns: number): Promise<void> {
  const outcome: PropertyOutcome = { name, seed: seed + SEED_OFFSET, numRuns: Math.ceil(numRuns * RUNS_SCALE), passed: false };
  outcomes.push(outcome);
  const before = prototypeSnapshot();
  const details = await fc.check(property as fc.IAsyncProperty<unknown>, { seed: outcome.seed, numRuns: outcome.numRuns, endOnFailure: false });
  const cause = details.failed ? `\nCause: ${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)}` : '';
  expect(details.failed, `${fc.defaultReportMessage(details) ?? ''}${cause}`).toBe(false);
  expect(prototypeSnapshot(), 'a prototype gained or lost a key').toBe(before);
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype.polluted is set').toBeUndefined();
  outcome.numRuns = details.numRuns;
  outcome.passed = true;
}

/** Writes this suite's section, only after a full run (a filtered run would undercount). */
export function reportProperties(section: string, title: string, intro: string, outcomes: PropertyOutcome[], expected: number): void {
  if (outcomes.length !== expected || HUNTING) return;
  const failures = outcomes.filter((o) => !o.passed).length;
  const runs = outcomes.reduce((sum, o) => sum + o.numRuns, 0);
  writeReportSection(
    section,
    `### ${title}

Properties: ${outcomes.length}. Generated inputs tried: ${runs}. Failures: ${failures}. Seeds are fixed, so a rerun
tries the same inputs.

${intro}

| Property | Seed | Runs | Result |
| --- | --- | --- | --- |
${outcomes.map((o) => `| ${cell(o.name)} | ${o.seed} | ${o.numRuns} | ${o.passed ? 'pass' : '**FAIL**'} |`).join('\n')}`,
  );
}
