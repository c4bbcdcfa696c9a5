// isOptimizedSvg (one svgo pass, multipass only when it changes something) must give the verdict of
// the full check it replaces: optimizeSvg(text) === text.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isOptimizedSvg, optimizeSvg } from '../../src/checks/svgo-config.ts';

const DEFINITIONS = path.resolve(import.meta.dirname, '../../definitions');
const fullCheck = (text: string) => optimizeSvg(text) === text;

it('agrees with the multipass check on every committed logo, and on each logo made worse', () => {
  const logos = readdirSync(DEFINITIONS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => readFileSync(path.join(DEFINITIONS, d.name, 'logo.svg'), 'utf8'));
  expect(logos.length).toBeGreaterThan(50);
  for (const logo of logos) {
    expect(isOptimizedSvg(logo)).toBe(true);
    // With a line break, a comment and redundant precision: no longer optimized, by either check.
    const worse = logo.replace('>', '>\n  <!-- drawn by hand -->\n').replace(/(\d)\.(\d)/, '$1.$20000');
    expect(isOptimizedSvg(worse)).toBe(fullCheck(worse));
    expect(fullCheck(worse)).toBe(false);
  }
});

// Shapes whose optimization takes more than one pass (nested groups, transforms, paths that merge).
const shape = fc.oneof(
  fc.record({ x: fc.integer({ min: 0, max: 20 }), y: fc.integer({ min: 0, max: 20 }), w: fc.integer({ min: 1, max: 9 }) }).map(({ x, y, w }) => `<rect x="${x}" y="${y}" width="${w}" height="${w}" fill="#ffffff"/>`),
  fc.record({ x: fc.double({ min: 0, max: 24, noNaN: true }), y: fc.double({ min: 0, max: 24, noNaN: true }) }).map(({ x, y }) => `<path d="M ${x} ${y} L ${y} ${x} L 12 12 Z" fill="#000"/>`),
  fc.integer({ min: 1, max: 11 }).map((r) => `<circle cx="12" cy="12" r="${r}.000" stroke="red" fill="none"/>`),
);
const group = (inner: string[]) => fc.constantFrom(`<g>${inner.join('')}</g>`, `<g transform="translate(1 1)"><g>${inner.join('')}</g></g>`, inner.join(''), `<g fill="blue">${inner.join('\n')}</g>`);
const svg = fc.array(shape, { minLength: 1, maxLength: 4 }).chain(group).map((body) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">${body}</svg>`);

it('agrees with the multipass check on generated drawings, raw and once optimized', () => {
  fc.assert(
    fc.property(svg, (text) => {
      expect(isOptimizedSvg(text)).toBe(fullCheck(text));
      const optimized = optimizeSvg(text);
      expect(isOptimizedSvg(optimized)).toBe(fullCheck(optimized));
    }),
    { numRuns: 300 },
  );
});
