// Reads one contributed file as text, refusing what a hostile pull request could use against us:
// symlinks (they would read outside the repo), oversized files, invalid UTF-8 and byte-order marks.
import { lstat, open } from 'node:fs/promises';
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
  let info;
  try {
    info = await lstat(absolute);
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
  const handle = await open(absolute, 'r').catch(() => null);
  if (!handle) return fail(file, 'file/unreadable', 'cannot be opened', 'make sure the file is readable');
  try {
    // Size the buffer by the file (it may grow between lstat and read; reading one byte past the
    // limit still catches that) instead of allocating the limit for every file.
    const capacity = Math.min(info.size, maxBytes) + 1;
    const buffer = Buffer.allocUnsafe(capacity);
    const { bytesRead } = await handle.read(buffer, 0, capacity, 0);
    if (bytesRead > maxBytes) {
      return fail(file, 'file/too-large', `is larger than the limit of ${maxBytes} bytes`, 'make the file smaller');
    }
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
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
