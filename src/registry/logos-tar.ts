// The logos layer: logos/<id>.svg in a gzipped tar, made and read with the `tar` package. Reading
// never touches the disk: only regular files named logos/<id>.svg for an id of the catalog are taken,
// so a hostile archive cannot write outside the output directory or plant links; and it is bounded
// (entries, inflated bytes, bytes per logo), so a small layer cannot cost gigabytes.
import { createGunzip } from 'node:zlib';
import { create, Parser, type ReadEntry } from 'tar';
import { RegistryError } from './errors.ts';

const LOGO_PATH = /^logos\/([a-z0-9][a-z0-9.-]{0,127})\.svg$/;

/** Packs the given logo files (relative to `cwd`, e.g. logos/cncf.helm.chart.svg) reproducibly. */
export async function packLogos(cwd: string, files: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // portable + fixed mtime: the same logos always give the same bytes, so a re-push skips the blob.
  const stream = create({ gzip: true, cwd, portable: true, mtime: new Date(0) }, [...files].sort());
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export interface LogoLimits {
  /** The catalog's type ids: only logos/<id>.svg of these are read. */
  ids: ReadonlySet<string>;
  /** Bytes one logo may have (the checker's limit). */
  maxEntryBytes: number;
  /** Entries of any kind the archive may hold. */
  maxEntries: number;
  /** Bytes the archive may inflate to, skipped entries included. */
  maxTotalBytes: number;
}

/** What a catalog of these ids may carry: one logo each at the limit, plus tar headers and a little slack. */
export function logoLimits(ids: ReadonlySet<string>, maxEntryBytes: number): LogoLimits {
  return { ids, maxEntryBytes, maxEntries: ids.size + 16, maxTotalBytes: ids.size * (maxEntryBytes + 1024) + 64 * 1024 };
}

/**
 * Reads the logos/<id>.svg entries of the catalog's ids from a gzipped tar into memory, inflating as
 * it goes: a name is matched before its data is read (other entries are skipped), and the archive is
 * refused as soon as it inflates past the limit, holds too many entries, repeats a logo or has one too big.
 */
export async function unpackLogos(archive: Buffer, limits: LogoLimits): Promise<Map<string, Buffer>> {
  const logos = new Map<string, Buffer>();
  let problem: string | null = null;
  let entries = 0;
  let inflated = 0;
  const gunzip = createGunzip();
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const match = LOGO_PATH.exec(entry.path);
      const id = match?.[1];
      if (++entries > limits.maxEntries) fail(`it holds more than ${limits.maxEntries} entries`);
      else if (id && entry.type === 'File' && limits.ids.has(id)) {
        if (logos.has(id)) fail(`logos/${id}.svg appears twice`);
        else if (entry.size > limits.maxEntryBytes) fail(`logos/${id}.svg is ${entry.size} bytes (limit ${limits.maxEntryBytes})`);
        else {
          const parts: Buffer[] = [];
          entry.on('data', (chunk: Buffer) => parts.push(chunk));
          entry.on('end', () => logos.set(id, Buffer.concat(parts)));
          return;
        }
      }
      entry.resume();
    },
  });
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  function fail(message: string): void {
    problem ??= message;
    gunzip.destroy();
    settle();
  }
  gunzip.on('data', (chunk: Buffer) => {
    inflated += chunk.length;
    if (inflated > limits.maxTotalBytes) return fail(`it inflates to more than ${limits.maxTotalBytes} bytes`);
    // Inflate no faster than the parser reads, so memory holds a chunk or two, not the archive.
    if (!parser.write(chunk)) {
      gunzip.pause();
      parser.once('drain', () => gunzip.resume());
    }
  });
  gunzip.on('end', () => parser.end());
  gunzip.on('error', (error: Error) => fail(`it is not valid gzip: ${error.message}`));
  parser.on('error', (error: Error) => fail(error.message));
  parser.on('warn', (_code: string, message: string | Error) => fail(message instanceof Error ? message.message : message));
  parser.on('end', settle);
  parser.on('close', settle);
  gunzip.end(archive);
  await done;
  if (problem) throw new RegistryError(`the logos layer is refused: ${problem}`, { code: 'BLOB_UNKNOWN' });
  return logos;
}
