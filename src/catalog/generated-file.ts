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

/**
 * `current` with the section between its markers replaced (the markers are part of `section`), or
 * with the section appended under `heading` where the markers are missing. Text around it is kept.
 */
export function replaceSection(current: string, section: string, markers: { start: string; end: string }, heading: string): string {
  const start = current.indexOf(markers.start);
  const end = current.indexOf(markers.end);
  if (start < 0 || end < start) return `${current.trimEnd()}\n\n## ${heading}\n\n${section}\n`;
  return current.slice(0, start) + section + current.slice(end + markers.end.length);
}
