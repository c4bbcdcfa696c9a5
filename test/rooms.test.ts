// The rooms of src/ and which way data flows between them (README "Layout"): loading, classifying
// and the JSON Schema machinery never reach into the rules, the server or the commands. Read from
// the import statements of every file (type-only imports too, which a bundler would erase).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

/** Per room: the other rooms it may import (`only`) or must not (`never`), and whether npm/node packages are allowed. */
const ROOMS: Record<string, { only?: string[]; never?: string[]; packages: boolean }> = {
  model: { only: [], packages: false },
  classify: { only: ['model'], packages: false },
  schema: { only: ['model'], packages: true },
  catalog: { never: ['checks', 'server', 'cli'], packages: true },
};

/** Every module specifier a TypeScript file names: import/export … from, side-effect and dynamic imports, import() types, require(). */
function specifiers(text: string): string[] {
  const patterns = [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The room (first folder under src/) an import lands in, 'package' for a bare specifier, or null outside src/. */
function roomOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return 'package';
  const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
  return target.startsWith('..') ? null : target.split(path.sep)[0]!;
}

describe('rooms', () => {
  it('reads every kind of import statement', () => {
    const text = `import a from './a.ts';\nimport type { B } from '../checks/b.ts';\nimport {\n  c,\n  d,\n} from "../server/c.ts";\nexport { e } from './e.ts';\nimport './f.ts';\nconst g = await import('../cli/g.ts');\nlet h: typeof import('recheck');\nconst i = require('recheck');`;
    expect(specifiers(text).sort()).toEqual(['../checks/b.ts', '../cli/g.ts', '../server/c.ts', './a.ts', './e.ts', './f.ts', 'recheck', 'recheck'].sort());
    // And finds the imports of the real tree, e.g. loading's use of the shared ajv set-up.
    expect(specifiers(readFileSync(path.join(SRC, 'catalog/verify-catalog.ts'), 'utf8'))).toContain('../schema/ajv.ts');
  });

  for (const [room, rule] of Object.entries(ROOMS)) {
    it(`src/${room}/ imports ${rule.only ? `only ${rule.only.length ? rule.only.map((r) => `src/${r}/`).join(', ') : 'itself'}` : `nothing from ${rule.never!.map((r) => `src/${r}/`).join(', ')}`}${rule.packages ? '' : ', and no packages'}`, () => {
      const files = filesOf(path.join(SRC, room));
      expect(files.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const file of files) {
        for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
          const target = roomOf(file, specifier);
          const allowed =
            target === 'package' ? rule.packages : target === room || (target !== null && (rule.only ? rule.only.includes(target) : !rule.never!.includes(target)));
          if (!allowed) wrong.push(`${path.relative(process.cwd(), file)} imports ${specifier}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
