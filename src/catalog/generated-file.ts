// What a generated file is: a path, the command that regenerates it, and its text from the catalog.
// Its own module, so the files (README table, CODEOWNERS, coverage) and their list import it
// without importing each other.
import type { Catalog } from '../model/catalog.ts';

export interface GeneratedFile {
  /** Repository-relative path. */
  path: string;
  /** The command that regenerates it. */
  command: string;
  /** The file's whole new text from the current text (null when the file does not exist yet). */
  render(catalog: Catalog, current: string | null): string;
}
