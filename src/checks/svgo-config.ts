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
