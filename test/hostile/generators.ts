// Hostile inputs too big (or too odd) to commit: case.json names them, the suite makes them at test time.
import { closeSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';

export type Generator =
  /** A sparse file of `bytes` (costs no disk): the checker must refuse it by size without reading it. */
  | { kind: 'sparse'; path: string; bytes: number }
  /** A square logo whose one <path d="…"> makes the file at least `bytes` long. */
  | { kind: 'svg-long-path'; path: string; bytes: number }
  /** `open` repeated `depth` times, then `inner`, then `close` repeated `depth` times. */
  | { kind: 'nest'; path: string; open: string; inner: string; close: string; depth: number }
  /** A config schema with an enum of `count` distinct strings. */
  | { kind: 'enum'; path: string; count: number }
  /** A config schema whose anyOf lists `count` empty subschemas. */
  | { kind: 'any-of'; path: string; count: number }
  /** The file as it is, with one annotation padded so the file is at least `bytes` long. */
  | { kind: 'pad-manifest'; path: string; bytes: number }
  /** The manifest with `count` more layers of media types the type does not declare (sizes as strings if `invalid`). */
  | { kind: 'many-layers'; path: string; count: number; invalid?: boolean }
  /** Raw bytes (hex) put before the file's content, or after the first occurrence of `after`. */
  | { kind: 'insert-bytes'; path: string; hex: string; after?: string };

export function generate(absolute: string, spec: Generator): void {
  switch (spec.kind) {
    case 'sparse': {
      const fd = openSync(absolute, 'w');
      try {
        ftruncateSync(fd, spec.bytes);
      } finally {
        closeSync(fd);
      }
      return;
    }
    case 'svg-long-path': {
      const head = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0';
      const tail = '"/></svg>';
      writeFileSync(absolute, head + 'l1 1'.repeat(Math.ceil(spec.bytes / 4)) + tail);
      return;
    }
    case 'nest':
      writeFileSync(absolute, spec.open.repeat(spec.depth) + spec.inner + spec.close.repeat(spec.depth));
      return;
    case 'enum':
      writeFileSync(absolute, JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { name: { enum: Array.from({ length: spec.count }, (_, i) => `v${i}`) } } }));
      return;
    case 'any-of':
      writeFileSync(absolute, JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', anyOf: Array.from({ length: spec.count }, () => ({})) }));
      return;
    case 'pad-manifest': {
      const manifest = JSON.parse(readFileSync(absolute, 'utf8'));
      const current = JSON.stringify(manifest, null, 2).length;
      manifest.annotations = { ...manifest.annotations, 'org.example.padding': 'x'.repeat(Math.max(0, spec.bytes - current)) };
      writeFileSync(absolute, JSON.stringify(manifest, null, 2));
      return;
    }
    case 'many-layers': {
      const manifest = JSON.parse(readFileSync(absolute, 'utf8'));
      for (let i = 0; i < spec.count; i++) manifest.layers.push({ mediaType: `application/vnd.example.flood${i}`, digest: `sha256:${'0'.repeat(64)}`, size: spec.invalid ? `${i}` : i });
      writeFileSync(absolute, JSON.stringify(manifest));
      return;
    }
    case 'insert-bytes': {
      const content = readFileSync(absolute);
      const at = spec.after === undefined ? 0 : content.indexOf(spec.after) + Buffer.byteLength(spec.after);
      if (spec.after !== undefined && at < Buffer.byteLength(spec.after)) throw new Error(`insert-bytes: "${spec.after}" not found in ${absolute}`);
      writeFileSync(absolute, Buffer.concat([content.subarray(0, at), Buffer.from(spec.hex, 'hex'), content.subarray(at)]));
      return;
    }
  }
}
