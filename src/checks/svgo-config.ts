// The one svgo configuration: the logo rule checks that it changes nothing, `validate --fix` applies it.
import { optimize, type Config } from 'svgo';

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
