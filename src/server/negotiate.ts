// The two request headers prepared responses depend on, read without express so the fast lane and
// the routes decide alike: If-None-Match (RFC 9110 §13.1.2, weak comparison) and Accept-Encoding.
import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when If-None-Match names `etag` (the selected representation's) or is `*`. Cache-Control is
 * deliberately not read: `no-cache` and `max-age=0` are addressed to caches, and an origin server
 * that evaluates a matching If-None-Match on GET/HEAD must answer 304 (RFC 9110 §13.1.2). Node's
 * fetch sends `no-cache` with every conditional request (jshttp/fresh issues 16 and 29).
 */
export function notModified(headers: IncomingHttpHeaders, etag: string): boolean {
  const inm = headers['if-none-match'];
  if (!inm) return false;
  if (inm.trim() === '*') return true;
  for (const tag of inm.split(',')) {
    const value = tag.trim();
    if ((value.startsWith('W/') ? value.slice(2) : value) === etag) return true;
  }
  return false;
}

/** Whether Accept-Encoding allows `coding` (named, or by `*`, with q > 0). */
export function accepts(header: string | undefined, coding: 'br' | 'gzip'): boolean {
  if (!header) return false;
  let star: boolean | null = null;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    const token = name.trim().toLowerCase();
    if (token !== coding && token !== '*') continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (token === coding) return allowed;
    star = allowed;
  }
  return star ?? false;
}
