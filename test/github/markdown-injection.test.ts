// Issue #18, item 4: catalog text reaches Markdown in the README table, the pull-request comment, the
// job summary and the release notes. Whatever a definition holds, the rendered output (markdown-it: CommonMark, raw
// HTML on, and GitHub-style autolinks of bare URLs) has no link, image or HTML element the generator
// did not write itself, and still shows the text, literally.
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { changesMarkdown, diffCatalogs } from '../../src/catalog/changes.ts';
import { renderTypesTable } from '../../src/catalog/generated.ts';
import { buildPrReport } from '../../src/github/pr-report.ts';
import { formatSummaryTable } from '../../src/report/github.ts';
import type { Finding } from '../../src/model/finding.ts';
import { reliabilitySection } from '../reliability-report.ts';
import { catalog, type } from './catalog-fixture.ts';

const report = reliabilitySection('markdown-injection', 'Generated Markdown: hostile catalog text');
/** Renders that passed every check, per output, for the report. */
const renders = new Map<string, number>();
const count = (output: string) => renders.set(output, (renders.get(output) ?? 0) + 1);

const HOSTILE = [
  '[click](https://evil.example/link)',
  '![pixel](https://evil.example/pixel.png)',
  '<img src=https://evil.example/raw.png>',
  '<https://evil.example/autolink>',
  'see https://evil.example/bare and www.evil.example',
  'x` <img src="https://evil.example/breakout.png"> `y',
  '``double`` <a href="https://evil.example/a">a</a>',
  '<script>alert(1)</script>',
  '[ref]: https://evil.example/reference',
  '[ref]',
  '**bold** _it_ ~~gone~~ @octocat',
  'a|b \\| c\\',
  '&lt;img src=https://evil.example/entity.png&gt; &#x3C;b&#x3E;',
  'javascript:alert(1)',
];

/** GitHub renders raw HTML (then sanitizes it) and autolinks bare http(s):// and www. URLs. */
const md = new MarkdownIt({ html: true, linkify: true });
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });

/** Every element, link target and image source the rendered HTML holds. */
function rendered(markdown: string): { html: string; tags: Set<string>; urls: string[]; text: string } {
  const html = md.render(markdown);
  const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()));
  const urls = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#124;/g, '|').replace(/&#64;/g, '@').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
  return { html, tags, urls, text };
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const logoUrl = (id: string) => `https://github.com/o/r/raw/abc/definitions/${id}/logo.svg`;

/** A type whose every free-text field (and media type, annotation, label, tool) is `s`. */
function hostileType(id: string, s: string) {
  return type(id, {
    displayName: s,
    artifactTypes: [{ mediaType: s }],
    configMediaTypes: [{ mediaType: `application/vnd.x+json;p=${s}` }],
    layers: [{ mediaType: s, description: s, identifying: true }],
    annotations: [{ key: s, value: s, on: 'manifest', identifying: true, description: s }] as never,
    configLabels: [{ key: s, description: s }] as never,
    tools: [{ name: s, pull: s, push: s, run: s }],
    replacedBy: s,
    status: 'deprecated',
  });
}

describe('generated Markdown shows catalog text literally', () => {
  it.each(HOSTILE)('README table: %s', (s) => {
    const out = rendered(renderTypesTable(catalog('1.0.0', [hostileType('acme.hostile', s)])));
    expect([...out.tags].sort()).toEqual(['a', 'br', 'code', 'p', 'table', 'tbody', 'td', 'th', 'thead', 'tr']);
    expect(out.urls).toEqual(['definitions/acme.hostile/README.md']);
    expect(out.text).toContain(squash(s));
    count('README table');
  });

  it('README table: each identifying string links its evidence, and a hostile evidence URL stays one link', () => {
    const permalink = 'https://github.com/o/r/blob/0123456789abcdef0123456789abcdef01234567/pkg/types.go#L12';
    const hostile = 'https://x.example/a)[y](javascript:alert(1)) <img src=x>';
    const t = type('acme.evidence', { artifactTypes: [{ mediaType: 'application/vnd.acme.evidence.v1', evidence: [{ url: permalink }, { url: hostile, quote: 'q' }] }], layers: [{ mediaType: 'application/vnd.acme.l', description: 'd', identifying: true, evidence: [{ file: 'src/x.ts#L3' }] }] });
    const out = rendered(renderTypesTable(catalog('1.0.0', [t])));
    expect(out.urls).toEqual(['definitions/acme.evidence/README.md', permalink, 'https://x.example/a%29%5By%5D%28javascript:alert%281%29%29%20%3Cimg%20src=x%3E', 'src/x.ts#L3']);
    expect([...out.tags].sort()).toEqual(['a', 'br', 'code', 'p', 'table', 'tbody', 'td', 'th', 'thead', 'tr']);
    expect(out.text).toContain('artifactType application/vnd.acme.evidence.v1 ( evidence , 2 )');
  });

  it.each(HOSTILE)('pull-request comment, job summary and release notes: %s', (s) => {
    const base = catalog('1.0.0', [type('acme.hostile')]);
    const head = catalog('1.1.0', [hostileType('acme.hostile', s)]);
    const finding: Finding = { rule: 'schema/definition', severity: 'error', file: 'definitions/acme.hostile/definition.json', line: 1, column: 1, message: s, fix: s };
    const body = buildPrReport({ changedFiles: ['definitions/acme.hostile/definition.json'], findings: [finding], catalog: head, baseCatalog: base, logoUrl, commit: '0123456789abcdef' });
    const out = rendered(body);
    const allowed = ['br', 'code', 'details', 'h2', 'h3', 'img', 'li', 'p', 'strong', 'sub', 'summary', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'];
    expect([...out.tags].filter((t) => !allowed.includes(t))).toEqual([]);
    expect(out.urls).toEqual([logoUrl('acme.hostile')]);
    expect(out.text).toContain(squash(s));

    const summary = rendered(formatSummaryTable([finding]));
    expect(summary.urls).toEqual([]);
    expect([...summary.tags].filter((t) => !['h3', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code'].includes(t))).toEqual([]);
    expect(summary.text).toContain(squash(s));

    const notes = rendered(changesMarkdown(diffCatalogs(base, head)));
    expect(notes.urls).toEqual([]);
    expect([...notes.tags].filter((t) => !['h2', 'h3', 'p', 'ul', 'li', 'strong', 'code'].includes(t))).toEqual([]);
    expect(notes.text).toContain(squash(s));
    count('pull-request comment');
    count('job summary');
    count('release notes');
  });

  it('records what was tried', () => {
    report.record(`Issue #18, item 4. Catalog text reaches Markdown that GitHub renders: the README table, the pull-request comment, the job summary and the release notes. Before, the README escaped only \`|\` and newlines, the comment HTML-escaped but left Markdown active (its \`<code>\` tags render links inside), and a backtick in an annotation value broke out of its code span: 22 of these 28 cases failed. Now src/report/markdown.ts escapes every character that can open emphasis, code, a link, an image or HTML, and the \`scheme://\` and \`www.\` autolink triggers; code spans get a fence longer than any backtick run inside. ${HOSTILE.length} hostile strings (links, images, raw \`<img>\` and \`<script>\`, autolinks and bare URLs, code-span break-outs, reference definitions, entities, mentions, pipes) were put in every free-text field of a type (display name, media types, layers, annotations, labels, tools and commands, finding messages) and each output rendered with markdown-it (CommonMark, raw HTML on, GitHub-style linkify). test/github/markdown-injection.test.ts.

| Output | Hostile strings | Renders with no element, link or image beyond the generator's own, and the text shown literally |
| --- | --- | --- |
${[...renders].map(([output, n]) => `| ${output} | ${HOSTILE.length} | ${n} |`).join('\n')}`);
    expect([...renders.values()].every((n) => n === HOSTILE.length)).toBe(true);
  });
});
