// The one svgo configuration: the logo rule checks that it changes nothing, `validate --fix` applies it.
import { createRequire } from 'node:module';
import type { Config } from 'svgo';

// svgo takes a fifth of a second to load, and every CLI command imports this file while few run
// svgo (a large check runs the logo rule in its workers only): load it on first use. Its own
// single-file CommonJS build, as `require` gets it, also loads faster than its ES modules.
const require = createRequire(import.meta.url);
let svgo: typeof import('svgo') | null = null;
const optimize: (typeof import('svgo'))['optimize'] = (text, config) => (svgo ??= require('svgo') as typeof import('svgo')).optimize(text, config);

export const SVGO_CONFIG: Config = {
  multipass: true,
  js2svg: { pretty: false },
  plugins: ['preset-default'],
};

export function optimizeSvg(text: string): string {
  return optimize(text, SVGO_CONFIG).data;
}

/**
 * Whether optimizeSvg would leave the logo as it is, at a third of the cost for the usual case: one
 * pass that changes nothing is a fixed point, so every further pass changes nothing either (multipass
 * stops at the second). Only a logo the single pass changes is run through multipass to be sure,
 * since a later pass could in principle shorten its output back to the original.
 */
export function isOptimizedSvg(text: string): boolean {
  if (optimize(text, { ...SVGO_CONFIG, multipass: false }).data === text) return true;
  return optimizeSvg(text) === text;
}
