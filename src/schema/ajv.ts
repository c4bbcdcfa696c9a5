// The project's ajv set-ups. Definitions and manifests are validated against our own schemas;
// contributed config schemas compile in strict mode with safe options (see shared security notes).
import Ajv2020Module, { type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Formats a contributed schema may use: the cheap, well-defined ones. */
export const ALLOWED_FORMATS = ['date-time', 'date', 'time', 'uri', 'uri-reference', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'] as const;

function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8'));
}

interface OwnOptions {
  allErrors: boolean;
  strictRequired?: boolean;
  verbose?: boolean;
  passFail?: boolean;
  /** Strict-mode problems reported to this function instead of thrown (and formats not checked): see diagnoseSchema. */
  warn?: (message: string) => void;
}

function ownAjv({ allErrors, strictRequired = true, verbose = false, passFail = false, warn }: OwnOptions) {
  const code = { regExp: RegExp, optimize: false, ...(passFail ? { process: compileEagerly } : {}) };
  const strict = warn ? ({ strict: 'log', strictRequired: strictRequired && 'log', validateFormats: false, logger: { log() {}, warn, error() {} } } as const) : { strict: true, strictRequired };
  const ajv = new Ajv2020({ ...strict, allErrors, verbose, messages: !passFail, ownProperties: true, addUsedSchema: false, code: code as never });
  addFormats(ajv, { mode: 'fast', formats: [...ALLOWED_FORMATS] });
  return ajv;
}

let projectAjv: ReturnType<typeof ownAjv> | null = null;
function project() {
  if (!projectAjv) {
    // Our own schemas use `not: { required: [...] }`, which strictRequired would refuse.
    projectAjv = ownAjv({ allErrors: true, strictRequired: false, verbose: true }); // verbose: errors carry the value and schema, for messages
    // Schemas other schemas $ref (catalog.schema.json reuses the definition's parts).
    for (const name of ['definition.schema.json', 'catalog-meta.schema.json']) projectAjv.addSchema(loadSchema(name));
  }
  return projectAjv;
}

const compiled = new Map<string, ReturnType<ReturnType<typeof ownAjv>['compile']>>();
/** A validator for one of schemas/*.json (or one of its $defs, e.g. "#/$defs/index"), compiled once. */
export function projectValidator(name: string, definition?: string) {
  const key = `${name}${definition ?? ''}`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = loadSchema(name);
    if (definition) {
      delete schema.oneOf;
      schema.$ref = definition;
      schema.$id = `${schema.$id}${definition.replace(/[#/$]/g, '-')}`;
    }
    validate = project().compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Wraps the generated validator in parentheses: V8 compiles such a function at once, instead of
 * pre-parsing it now and parsing it again on its first call (a validator the checker runs once
 * paid for both). Code of any other shape is left as it is.
 */
export function compileEagerly(code: string): string {
  const start = code.indexOf('return function validate');
  return start >= 0 && code.endsWith('}') ? `${code.slice(0, start)}return (${code.slice(start + 'return '.length)})` : code;
}

let passFailAjv: ReturnType<typeof ownAjv> | null = null;
/**
 * The contributed-schema instance for a yes or no: same strict checks at compile time, but it stops at
 * the first error and writes no messages, so it generates and compiles the least code. The checker
 * compiles each config schema here and asks contributedSchemaAjv() for the errors only when an example fails.
 */
export function passFailSchemaAjv() {
  passFailAjv ??= ownAjv({ allErrors: false, passFail: true });
  return passFailAjv;
}

let classifyAjv: ReturnType<typeof ownAjv> | null = null;
/**
 * The contributed-schema instance classify validates configs with (API and CLI): it stops at the first
 * error, as the package's standalone validators do. allErrors on a config anyone can send built every
 * error of a 2,000,000-item array before 20 were kept: seconds and hundreds of MB per request.
 */
export function classifySchemaAjv() {
  classifyAjv ??= ownAjv({ allErrors: false });
  return classifyAjv;
}

let contributedAjv: ReturnType<typeof ownAjv> | null = null;
/** The instance contributed config schemas compile in: strict, own properties only, no $data, no loading. Lists every error: for the checker's own examples only. */
export function contributedSchemaAjv() {
  contributedAjv ??= ownAjv({ allErrors: true });
  return contributedAjv;
}

/**
 * A fresh instance that emits standalone code (ajv/dist/standalone) for one contributed config schema,
 * with the contributed-schema options. It keeps ajv's default RegExp engine (native, but with the
 * `code` the generator needs) and stops at the first error, as validators that run in production should.
 */
export function standaloneSchemaAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: false, ownProperties: true, addUsedSchema: false, code: { source: true, esm: true } });
  addFormats(ajv, { mode: 'fast', formats: [...ALLOWED_FORMATS] });
  return ajv;
}

let warnings: string[] = [];
let diagnosticAjv: ReturnType<typeof ownAjv> | null = null;
/**
 * Every problem ajv finds in a contributed schema, for the checker to report at once: the schema against
 * the 2020-12 meta-schema (all errors), then a compile with the contributed-schema options in which
 * strict mode logs instead of throwing, so one strictRequired problem does not hide the next. Formats
 * are not checked here (an unknown one always throws): the caller checks them against ALLOWED_FORMATS.
 * `error` is what still stopped the compile (e.g. an unresolvable $ref).
 */
export function diagnoseSchema(schema: object): { metaErrors: ErrorObject[]; warnings: string[]; error: Error | null } {
  diagnosticAjv ??= ownAjv({ allErrors: true, warn: (message) => warnings.push(message) });
  if (!diagnosticAjv.validateSchema(schema)) return { metaErrors: diagnosticAjv.errors ?? [], warnings: [], error: null };
  warnings = [];
  let error: Error | null = null;
  try {
    diagnosticAjv.compile(schema);
  } catch (thrown) {
    error = thrown as Error;
  } finally {
    diagnosticAjv.removeSchema(schema);
  }
  return { metaErrors: [], warnings: [...new Set(warnings)], error };
}

export type { ErrorObject };
