// `artifact-types build`: refuse a catalog with errors, then write dist/ atomically and refresh
// the generated files (README table). Build into a temp directory, then rename over dist/.
// dist/package/ is the npm package, written by scripts/package/ as one more step of that build.
import path from 'node:path';
import { Command } from 'commander';
import { writeGeneratedFiles } from '../../catalog/generated.ts';
import { CatalogError } from '../../catalog/load-catalog.ts';
import { checkedCatalog } from '../../checks/run.ts';
import { formatText } from '../../report/text.ts';
import { fail } from '../io.ts';
import { DIST_STEPS, writeDist } from '../../catalog/dist.ts';
import { staticExportStep } from '../../server/static-export.ts';
import { writePackage } from '../../../scripts/package/write-package.ts';

export function register(program: Command): void {
  program
    .command('build')
    .description('Check the catalog, then write dist/catalog.json, the static API export (dist/api/, dist/nginx/), the npm package and the generated files.')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .option('--out <dir>', 'output directory', 'dist')
    .option('--no-generated', 'do not rewrite the generated files (README table), e.g. when building elsewhere')
    .option('--no-package', 'skip the npm package (dist/package/)')
    .action(async (options: { root: string; out: string; generated: boolean; package: boolean }) => {
      const root = path.resolve(options.root);
      let result;
      try {
        // The build rewrites the generated files itself, so their drift does not stop it.
        result = await checkedCatalog({ root });
      } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        process.stderr.write(formatText(error.findings));
        fail(`refusing to build: ${error.message}`);
      }
      const out = path.resolve(options.out);
      try {
        // dist/api/ and dist/nginx/: the static export of the read API (src/server/static-export.ts).
        const steps = [...DIST_STEPS, staticExportStep(out), ...(options.package ? [writePackage] : [])];
        await writeDist(out, result.catalog, root, steps);
      } catch (error) {
        // writeDist removed its staging directory; the previous output is untouched.
        fail(`build failed, ${out} left as it was: ${(error as Error).message}`);
      }
      const written = options.generated ? await writeGeneratedFiles(path.dirname(root), result.catalog) : [];
      for (const file of written) process.stderr.write(`updated ${file}\n`);
      process.stderr.write(`built ${result.catalog.types.length} types, catalog ${result.catalog.version} (${result.catalog.digest}) into ${path.relative(process.cwd(), out) || '.'}\n`);
    });
}
