// The two request headers prepared responses depend on, read without express so the fast lane and
// the routes decide alike: If-None-Match (RFC 9110 §13.1.2, weak comparison) and Accept-Encoding.
import type { IncomingHttpHeaders } from 'node:http';

/** True when the client's cached copy (If-None-Match) is this ETag and it did not ask to bypass caches. */
export function notModified(headers: IncomingHttpHeaders, etag: string): boolean {
  const inm = headers['if-none-match'];
  if (!inm) return false;
  const cacheControl = headers['cache-control'];
  if (cacheControl && /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(cacheControl)) return false;
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
