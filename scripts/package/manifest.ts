// package.json of the generated package: zero dependencies, no install scripts, a files allowlist,
// and an exports map. One ES module serves import and (Node >= 20.19 / 22.12) require.
import type { Catalog } from '../../src/model/catalog.ts';

export const PACKAGE_NAME = 'artifact-types';

/** Everything the tarball may contain besides package.json and README.md (npm adds those itself). */
export const PACKAGE_FILES = ['index.js', 'index.js.map', 'index.d.ts', 'types/', 'bin.js', 'catalog.json', 'logos/', 'schemas/'];

export function packageJson(catalog: Catalog): Record<string, unknown> {
  return {
    name: PACKAGE_NAME,
    version: catalog.version,
    description: `Every OCI artifact type in the artifact-types catalog (${catalog.types.length} types), offline: the catalog, a classifier for manifests, precompiled config validators and logos.`,
    license: 'Apache-2.0',
    keywords: ['oci', 'artifact', 'artifact-type', 'media-type', 'manifest', 'registry', 'container'],
    type: 'module',
    main: './index.js',
    types: './index.d.ts',
    // `npx artifact-types classify|get|lookup` in any project; ls, push and pull stay in the repository's CLI.
    bin: { [PACKAGE_NAME]: './bin.js' },
    exports: {
      '.': { types: './index.d.ts', default: './index.js' },
      './catalog.json': './catalog.json',
      './logos/*': './logos/*',
      './schemas/*': './schemas/*',
      './package.json': './package.json',
    },
    files: PACKAGE_FILES,
    sideEffects: false,
    // require() of an ES module without a flag: Node 20.19 and 22.12.
    engines: { node: '^20.19.0 || >=22.12.0' },
    artifactTypes: { catalogVersion: catalog.version, catalogDigest: catalog.digest },
  };
}
