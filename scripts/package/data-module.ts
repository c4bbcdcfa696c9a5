// The source of the generated data module that replaces runtime/generated.ts in the bundle: the
// catalog, the logos and the validators, keyed by id in Maps (so no id can reach Object.prototype).
import type { Catalog } from '../../src/model/catalog.ts';
import type { ValidatorModule } from './validators.ts';

/** Import specifier of the n-th validator module (resolved by the bundler plugin). */
export const validatorSpecifier = (n: number) => `artifact-types-validator:${n}`;
export const VALIDATOR_SPECIFIER = /^artifact-types-validator:\d+$/;

// JSON.parse of a string literal parses faster than the same object literal (V8 guidance for big data).
const parsed = (value: unknown) => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;

export function dataModuleSource(catalog: Catalog, logos: ReadonlyMap<string, string>, validators: ValidatorModule[]): string {
  const imports = validators.map((v, n) => `import validator${n} from ${JSON.stringify(validatorSpecifier(n))};`);
  const entries = validators.map((v, n) => `[${JSON.stringify(v.id)}, validator${n}]`);
  return [
    ...imports,
    `export const catalogData = ${parsed(catalog)};`,
    `export const logos = new Map(${parsed([...logos])});`,
    `export const validators = new Map([${entries.join(', ')}]);`,
    '',
  ].join('\n');
}
