// Catalog text in generated Markdown (the README table, the pull-request comment, release notes):
// it comes from contributors, so it is shown literally. CommonMark lets a backslash escape any ASCII
// punctuation: every character that can open emphasis, a code span, a link, an image or raw HTML
// inside a line is escaped, and so are the parts of "scheme://" and "www." that make GitHub (and
// markdown-it's linkify) autolink a bare URL. "@" becomes an entity (no mentions), "|" too (no new
// table cell), and lines are joined (so nothing can start a block). Other text stays as it is, so
// the raw Markdown of media types and commands reads as before.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '|': '&#124;', '@': '&#64;' };

/** Text that renders as itself in a Markdown paragraph, list item or table cell. Not for HTML attribute values. */
export function markdownText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[&<>"|@\\`*_[\]!~]/g, (c) => ENTITIES[c] ?? `\\${c}`)
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(?<=\/)\//g, '\\/')
    .replace(/(?<=www)\./gi, '\\.');
}

/** A code span whose content stays literal, backticks included (its fence is longer than any backtick run in it). Pipes are escaped for tables. */
export function markdownCode(s: string): string {
  const text = s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each end when both have one: pad when the text starts or ends with a backtick or space.
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
