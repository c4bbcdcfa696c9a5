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

/** Binary formats a contributor may save under a text name (a PNG renamed logo.svg), by their magic bytes. */
const BINARY_FORMATS: Array<{ name: string; magic: number[]; at?: number }> = [
  { name: 'a PNG image', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: 'a JPEG image', magic: [0xff, 0xd8, 0xff] },
  { name: 'a GIF image', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a WebP image', magic: [0x57, 0x45, 0x42, 0x50], at: 8 },
  { name: 'an ICO icon', magic: [0x00, 0x00, 0x01, 0x00] },
  { name: 'a PDF document', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'a gzip archive', magic: [0x1f, 0x8b] },
  { name: 'a zip archive', magic: [0x50, 0x4b, 0x03, 0x04] },
];

function binaryFormat(bytes: Buffer): string | null {
  for (const { name, magic, at = 0 } of BINARY_FORMATS) {
    if (bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b)) return name;
  }
  return null;
}

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
  const binary = binaryFormat(bytes);
  if (binary) {
    const svg = file.endsWith('.svg');
    return fail(file, 'file/binary', `is ${binary}, not ${svg ? 'an SVG drawing' : 'text'}`, svg ? 'draw the logo as SVG (renaming an image to .svg does not convert it); `artifact-types new` writes a starting mark' : 'save the file as UTF-8 text');
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
