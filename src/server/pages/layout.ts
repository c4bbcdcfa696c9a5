// The HTML shell every page shares, and escaping. Pages are plain server-rendered HTML; the one
// shared script (assets/catalog.js) adds search-as-you-type and copy buttons. /api alone adds its
// own (Swagger UI), through `head`.
import MarkdownIt from 'markdown-it';
import type { Tool } from '../../model/catalog.ts';

const utils = new MarkdownIt().utils;

/** Escapes text for HTML content and double-quoted attributes. */
export function esc(value: unknown): string {
  return utils.escapeHtml(String(value ?? ''));
}

/** A media type (or key) escaped, with break chances after `.`, `/`, `+` and `=` so it wraps between its parts, not mid-word. */
export function breakable(value: string): string {
  return esc(value).replace(/([./+=])/g, '$1<wbr>');
}

/** `head`: a page's own stylesheets and scripts (same-origin files only: the CSP allows no inline script). */
export function layout(options: { title: string; body: string; catalogName: string; q?: string; autofocus?: boolean; head?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/catalog.css">
<script src="/assets/catalog.js" defer></script>
${options.head ?? ''}</head>
<body>
<header class="top">
  <a class="brand" href="/">${esc(options.catalogName)}</a>
  <form class="search" action="/" method="get" role="search">
    <input id="search" type="search" name="q" value="${esc(options.q ?? '')}" placeholder="Search types, tools and media types" aria-label="Search artifact types" autocomplete="off" maxlength="256"${options.autofocus ? ' autofocus' : ''}>
  </form>
  <nav><a href="/api">API</a></nav>
</header>
<main>
${options.body}
</main>
</body>
</html>
`;
}

const VERBS = ['pull', 'push', 'run'] as const;

/** Tool commands (pull/push/run) as copyable actions. */
export function toolCommands(tools: Tool[]): string {
  const rows = tools.flatMap((tool) =>
    VERBS.filter((verb) => tool[verb]).map(
      (verb) =>
        `<div class="cmd"><span class="verb">${verb}</span><code>${breakable(tool[verb]!)}</code><button type="button" class="copy" data-copy="${esc(tool[verb])}" aria-label="Copy the ${esc(tool.name)} ${verb} command">Copy</button></div>`,
    ),
  );
  return rows.length > 0 ? `<div class="tools">${rows.join('')}</div>` : '';
}
