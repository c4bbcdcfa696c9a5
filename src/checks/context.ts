// What rules see. Definition rules judge one folder alone (and can run in a worker);
// catalog rules judge the whole catalog (uniqueness, classification, generated files, versions).
import type { Lookup } from '../classify/index.ts';
import type { ArtifactType, ArtifactTypeDefinition, Catalog } from '../model/catalog.ts';
import type { Finding } from '../model/finding.ts';
import type { DefinitionSource } from '../catalog/load.ts';
import type { JsonSource } from '../catalog/json-source.ts';
import { locate } from '../catalog/json-source.ts';

export interface DefinitionContext {
  source: DefinitionSource;
  /** Set when definition.json parsed and passed the schema. */
  definition: ArtifactTypeDefinition | null;
}

export type DefinitionRule = (context: DefinitionContext) => Finding[] | Promise<Finding[]>;

export interface CheckedDefinition {
  source: DefinitionSource;
  definition: ArtifactTypeDefinition | null;
  entry: ArtifactType | null;
}

export interface CatalogContext {
  /** Repository root (for generated files and git). */
  repoRoot: string;
  /** The definitions directory. */
  root: string;
  checked: CheckedDefinition[];
  /** Ids whose findings are reported (all, unless paths were given). */
  focus: Set<string> | null;
  lookup: Lookup;
  /** The catalog the checked definitions build (built once: its digest canonicalizes every entry). */
  catalog: Catalog;
  base?: string;
  /** Whether generated files are judged (validate --generated). */
  generated?: boolean;
}

export type CatalogRule = (context: CatalogContext) => Finding[] | Promise<Finding[]>;

/** A finding at a JSON pointer of a source. */
export function at(source: JsonSource, pointer: string, rule: string, message: string, fix: string, severity: Finding['severity'] = 'error', key = false): Finding {
  const { line, column } = locate(source, pointer, key);
  return { rule, severity, file: source.file, line, column, message, fix };
}

/** A finding about a whole file (line 0). */
export function whole(file: string, rule: string, message: string, fix: string, severity: Finding['severity'] = 'error'): Finding {
  return { rule, severity, file, line: 0, column: 0, message, fix };
}
