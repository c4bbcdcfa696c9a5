// package.json of the generated package: zero dependencies, no install scripts, a files allowlist,
// and an exports map with separate ESM and CommonJS entries (each with its own declarations).
import type { Catalog } from '../../src/model/catalog.ts';

export const PACKAGE_NAME = 'artifact-types';

/** Everything the tarball may contain besides package.json and README.md (npm adds those itself). */
export const PACKAGE_FILES = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'types/', 'catalog.json', 'logos/', 'schemas/'];

export function packageJson(catalog: Catalog): Record<string, unknown> {
  return {
    name: PACKAGE_NAME,
    version: catalog.version,
    description: `Every OCI artifact type in the artifact-types catalog (${catalog.types.length} types), offline: the catalog, a classifier for manifests, precompiled config validators and logos.`,
    license: 'Apache-2.0',
    keywords: ['oci', 'artifact', 'artifact-type', 'media-type', 'manifest', 'registry', 'container'],
    type: 'module',
    main: './index.cjs',
    module: './index.js',
    types: './index.d.ts',
    exports: {
      '.': {
        import: { types: './index.d.ts', default: './index.js' },
        require: { types: './index.d.cts', default: './index.cjs' },
      },
      './catalog.json': './catalog.json',
      './logos/*': './logos/*',
      './schemas/*': './schemas/*',
      './package.json': './package.json',
    },
    files: PACKAGE_FILES,
    sideEffects: false,
    engines: { node: '>=20' },
    artifactTypes: { catalogVersion: catalog.version, catalogDigest: catalog.digest },
  };
}
