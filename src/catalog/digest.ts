// Canonical JSON (RFC 8785) and its sha256, so a digest depends on content, never on key order.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}

export function sha256(text: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
