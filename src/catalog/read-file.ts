// Reads one contributed file as text, refusing what a hostile pull request could use against us:
// symlinks (they would read outside the repo), oversized files, invalid UTF-8 and byte-order marks.
import { closeSync, lstatSync, openSync, readSync } from 'node:fs';
import type { Finding } from '../model/finding.ts';

export interface TextSource {
  /** Repository-relative path with forward slashes, for findings. */
  file: string;
  text: string;
}

export type ReadResult = { ok: true; source: TextSource } | { ok: false; finding: Finding };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fail(file: string, rule: string, message: string, fix: string): ReadResult {
  return { ok: false, finding: { rule, severity: 'error', file, line: 0, column: 0, message, fix } };
}

/**
 * Reads `absolute` (shown as `file`) if it is a regular file of at most `maxBytes`.
 * Reads at most maxBytes + 1 bytes, so a 100 MB file costs nothing.
 */
export async function readTextFile(absolute: string, file: string, maxBytes: number): Promise<ReadResult> {
  // Synchronous calls: these files are tiny, and the promise machinery of fs/promises cost more
  // CPU than the reads themselves. Large catalogs are checked in worker threads anyway.
  let info;
  try {
    info = lstatSync(absolute);
  } catch {
    return fail(file, 'file/unreadable', 'the file vanished or cannot be read', 'make sure the file is committed and readable');
  }
  if (info.isSymbolicLink()) {
    return fail(file, 'file/symlink', 'is a symbolic link; links can point outside the repository', 'replace the link with the file itself');
  }
  if (!info.isFile()) return fail(file, 'file/not-a-file', 'is not a regular file', 'replace it with a regular file');
  if (info.size > maxBytes) {
    return fail(file, 'file/too-large', `is ${info.size} bytes; the limit for this file is ${maxBytes} bytes`, 'make the file smaller');
  }
  let bytes: Buffer;
  let fd: number;
  try {
    fd = openSync(absolute, 'r');
  } catch {
    return fail(file, 'file/unreadable', 'cannot be opened', 'make sure the file is readable');
  }
  try {
    // Size the buffer by the file (it may grow between lstat and read; reading one byte past the
    // limit still catches that) instead of allocating the limit for every file.
    const capacity = Math.min(info.size, maxBytes) + 1;
    const buffer = Buffer.allocUnsafe(capacity);
    let filled = 0;
    for (let n = -1; n !== 0 && filled < capacity; filled += n) n = readSync(fd, buffer, filled, capacity - filled, filled);
    if (filled > maxBytes) {
      return fail(file, 'file/too-large', `is larger than the limit of ${maxBytes} bytes`, 'make the file smaller');
    }
    bytes = buffer.subarray(0, filled);
  } catch {
    return fail(file, 'file/unreadable', 'cannot be read', 'make sure the file is readable');
  } finally {
    closeSync(fd);
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return fail(file, 'file/bom', 'starts with a UTF-8 byte-order mark', 'save the file as UTF-8 without BOM');
  }
  try {
    return { ok: true, source: { file, text: decoder.decode(bytes) } };
  } catch {
    // Decode leniently and find the first replacement character: linear, and gives line:column.
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const index = lenient.indexOf('\uFFFD');
    const before = lenient.slice(0, Math.max(index, 0));
    const line = before.split('\n').length;
    const column = index - before.lastIndexOf('\n');
    return {
      ok: false,
      finding: { rule: 'file/encoding', severity: 'error', file, line, column, message: 'is not valid UTF-8', fix: 'save the file as UTF-8' },
    };
  }
}
