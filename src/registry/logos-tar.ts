// The logos layer: logos/<id>.svg in a gzipped tar, made and read with the `tar` package. Reading
// never touches the disk: only regular files named logos/<id>.svg are taken, so a hostile archive
// cannot write outside the output directory or plant links.
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

/** Reads logos/<id>.svg entries from a gzipped tar into memory; anything else is ignored. */
export async function unpackLogos(archive: Buffer, maxEntryBytes: number): Promise<Map<string, Buffer>> {
  const logos = new Map<string, Buffer>();
  let problem: Error | null = null;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const match = LOGO_PATH.exec(entry.path);
      if (!match || entry.type !== 'File' || entry.size > maxEntryBytes) {
        entry.resume();
        return;
      }
      const parts: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => parts.push(chunk));
      entry.on('end', () => logos.set(match[1]!, Buffer.concat(parts)));
    },
  });
  await new Promise<void>((resolve) => {
    parser.on('error', (error: Error) => {
      problem ??= error;
    });
    parser.on('warn', (_code: string, message: string | Error) => {
      problem ??= message instanceof Error ? message : new Error(message);
    });
    parser.on('end', () => resolve());
    parser.on('close', () => resolve());
    parser.end(archive);
  });
  if (problem) throw new RegistryError(`the logos layer is not a valid gzipped tar: ${(problem as Error).message}`, { code: 'BLOB_UNKNOWN' });
  return logos;
}
