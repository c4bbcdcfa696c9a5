// Checks a built catalog read from outside (a catalog.json file, a pulled catalog artifact) before
// anything serves it: the shape against schemas/catalog.schema.json, then its own digests, so a
// hand-edited or truncated file is refused with a message instead of failing somewhere inside.
import { projectValidator } from '../schema/ajv.ts';
import type { Catalog } from '../model/catalog.ts';
import { canonicalJson, sha256 } from './digest.ts';

export interface CatalogProblem {
  kind: 'shape' | 'digest';
  message: string;
}

/** At most this many shape problems are listed; the rest are counted. */
const SHOWN = 5;

export function catalogProblems(value: unknown): CatalogProblem[] {
  const validate = projectValidator('catalog.schema.json');
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    const seen = new Set<string>();
    const problems: CatalogProblem[] = [];
    for (const error of errors) {
      // oneOf/anyOf errors repeat per branch; one line per place is enough to find it.
      const message = `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : ''}`;
      if (seen.has(error.instancePath) || seen.size >= SHOWN) continue;
      seen.add(error.instancePath);
      problems.push({ kind: 'shape', message });
    }
    const more = new Set(errors.map((e) => e.instancePath)).size - seen.size;
    if (more > 0) problems.push({ kind: 'shape', message: `and ${more} more places` });
    return problems;
  }
  const catalog = value as Catalog;
  const actual = sha256(canonicalJson(catalog.types));
  if (actual !== catalog.digest) return [{ kind: 'digest', message: `the catalog digest ${catalog.digest} does not match its types (${actual}); it was altered after it was built` }];
  for (const type of catalog.types) {
    const { digest, ...entry } = type;
    if (sha256(canonicalJson(entry)) !== digest) return [{ kind: 'digest', message: `the digest of type ${type.id} does not match its entry; it was altered after it was built` }];
  }
  return [];
}
