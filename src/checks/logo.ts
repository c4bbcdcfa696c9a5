// Rules logo/*: a logo is a small, square, self-contained drawing. Anything that can script, load
// from elsewhere or expand (entities) is refused; an allowlist would be stricter still, but we keep
// basic shapes, gradients and <use href="#…"> so authors can draw freely. Names are judged by
// namespace and local name, so prefixes (<s:script>, l:href) and XHTML elements cannot slip through.
import { SaxesParser } from 'saxes';
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { isOptimizedSvg } from './svgo-config.ts';
import { visible } from './invisible-characters.ts';
import { MAX_FINDINGS_PER_FILE, moreFinding } from './schema-findings.ts';

const FORBIDDEN_ELEMENTS = new Set(['script', 'foreignobject', 'image', 'iframe', 'embed', 'object', 'audio', 'video', 'canvas', 'animate', 'set', 'animatemotion', 'animatetransform', 'handler', 'listener', 'feimage', 'a']);
const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const URL_IN_CSS = /url\s*\(\s*(['"]?)\s*([^'")\s]*)/gi;
const IMPORT_IN_CSS = /@import/i;
/** CSS functions that load an image from a bare string, without url(). */
const LOADING_FUNCTION = /(?:^|[^a-z0-9_-])(?:-webkit-)?(?:image-set|image|cross-fade|src)\s*\(/i;

function finding(file: string, rule: string, line: number, column: number, message: string, fix: string, severity: Finding['severity'] = 'error'): Finding {
  return { rule, severity, file, line, column, message, fix };
}

/** CSS as the browser tokenizes it: comments dropped, escapes (\\75 rl, @\\69mport) decoded. */
function normalizeCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
    .replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?/g, (_, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    })
    .replace(/\\([^\n])/g, '$1');
}

/** What in CSS text loads from outside the logo: url() targets that are not #fragments, @import, image-set() and the like. */
function cssLoads(raw: string): string[] {
  const css = normalizeCss(raw);
  const loads = [...css.matchAll(URL_IN_CSS)].map((m) => m[2] ?? '').filter((target) => !target.startsWith('#')).map((target) => `url(${target.slice(0, 60)})`);
  if (IMPORT_IN_CSS.test(css)) loads.push('@import');
  const call = LOADING_FUNCTION.exec(css);
  if (call) loads.push(`${call[0].replace(/^[^a-z-]/i, '').replace(/\s*\($/, '')}()`);
  return loads.map(visible);
}

/** A logo can hold thousands of <script>s in 32 KiB: list the first findings and count the rest. */
export const logo: DefinitionRule = (context) => {
  const findings = logoFindings(context);
  if (findings.length <= MAX_FINDINGS_PER_FILE) return findings;
  const rest = findings.slice(MAX_FINDINGS_PER_FILE);
  return [...findings.slice(0, MAX_FINDINGS_PER_FILE), moreFinding(rest[0]!.file, rest[0]!.rule, rest.length, rest.some((f) => f.severity === 'error') ? 'error' : 'warning')];
};

function logoFindings({ source }: Parameters<DefinitionRule>[0]): Finding[] {
  const svg = source.logo;
  if (!svg) return [];
  const file = svg.file;
  const findings: Finding[] = [];
  const parser = new SaxesParser({ xmlns: true, position: true });
  let depth = 0;
  let root: { viewBox?: string; line: number; column: number } | null = null;
  // A <style>'s CSS is all its text together: an XML comment or CDATA break (u<!---->rl) splits it for
  // the parser but not for the browser, so it is judged whole at </style>.
  let style: { css: string; line: number; column: number } | null = null;
  const here = () => ({ line: parser.line, column: Math.max(parser.column, 1) });
  parser.on('doctype', () => {
    const { line, column } = here();
    findings.push(finding(file, 'logo/doctype', line, column, 'has a DOCTYPE; entity declarations can expand without bound (billion laughs)', 'remove the <!DOCTYPE …> declaration'));
  });
  parser.on('xmldecl', (decl) => {
    if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) {
      findings.push(finding(file, 'logo/encoding', 1, 1, `declares encoding "${visible(decl.encoding.slice(0, 40))}"; a browser would read the bytes differently from this check`, 'save the file as UTF-8 and drop the encoding (or the whole <?xml …?> line)'));
    }
  });
  parser.on('processinginstruction', (pi) => {
    if (pi.target.toLowerCase() === 'xml-stylesheet') {
      const { line, column } = here();
      findings.push(finding(file, 'logo/external-reference', line, column, '<?xml-stylesheet?> loads a style sheet from outside the logo', 'remove the <?xml-stylesheet …?> line'));
    }
  });
  parser.on('opentag', (node) => {
    const { line, column } = here();
    const name = node.local.toLowerCase();
    const shown = visible(node.name);
    if (depth === 0) {
      if (name !== 'svg') findings.push(finding(file, 'logo/parse', line, column, `the root element is <${shown}>, not <svg>`, 'make <svg> the root element'));
      root = { viewBox: node.attributes.viewBox?.uri === '' ? node.attributes.viewBox.value : undefined, line, column };
    }
    depth++;
    if (node.uri !== SVG_NS) {
      // XHTML elements (<img src>, <iframe>) load even when not rendered; other namespaces mean nothing to a logo.
      findings.push(finding(file, 'logo/forbidden-element', line, column, `<${shown}> is not in the SVG namespace (${visible(node.uri || 'none').slice(0, 60)})`, `declare xmlns="${SVG_NS}" on <svg> and use only SVG elements`));
    } else if (FORBIDDEN_ELEMENTS.has(name)) {
      findings.push(finding(file, 'logo/forbidden-element', line, column, `<${shown}> is not allowed in a logo (it can run script, animate links or load content)`, `remove the <${shown}> element and draw with paths and shapes`));
    }
    if (name === 'style') style = { css: '', line, column };
    for (const attribute of Object.values(node.attributes)) {
      if (attribute.uri === XMLNS_NS) continue;
      const local = attribute.local.toLowerCase();
      const shownAttribute = visible(attribute.name);
      const value = String(attribute.value);
      if (attribute.uri === XML_NS && local === 'base') {
        findings.push(finding(file, 'logo/external-reference', line, column, `${shownAttribute} changes what references in the logo resolve against`, `remove ${shownAttribute}`));
      } else if (local.startsWith('on')) {
        findings.push(finding(file, 'logo/event-handler', line, column, `attribute ${shownAttribute} on <${shown}> is an event handler (script)`, `remove ${shownAttribute}`));
      } else if (local === 'href') {
        if (!value.trim().startsWith('#')) findings.push(finding(file, 'logo/external-reference', line, column, `${shownAttribute}="${visible(value.slice(0, 60))}" points outside the logo (only #fragment references are allowed)`, 'inline what it points to, or reference an element inside the logo with href="#id"'));
      } else {
        // Any presentation attribute (fill, cursor, filter, mask…) and style= can hold CSS that loads.
        for (const load of cssLoads(value)) {
          findings.push(finding(file, 'logo/css-url', line, column, `${load} in ${shownAttribute} loads from outside the logo`, 'use a colour, or url(#id) of a gradient inside the logo'));
        }
      }
    }
  });
  parser.on('closetag', (node) => {
    depth--;
    if (node.local.toLowerCase() !== 'style' || !style) return;
    for (const load of cssLoads(style.css)) {
      findings.push(finding(file, 'logo/css-url', style.line, style.column, `${load} in <style> loads from outside the logo`, 'use url(#id) of an element inside the logo, or plain colours'));
    }
    style = null;
  });
  const onCss = (text: string) => {
    if (style) style.css += text;
  };
  parser.on('text', onCss);
  parser.on('cdata', onCss);
  try {
    parser.on('error', (error) => {
      throw error;
    });
    parser.write(svg.text).close();
  } catch (error) {
    const message = visible(String((error as Error).message).replace(/^[^:]*:\d+:\d+: /, ''));
    const { line, column } = here();
    return [...findings, finding(file, 'logo/parse', line, column, `is not well-formed SVG: ${message}`, 'fix the XML at this position')];
  }
  const top = root as { viewBox?: string; line: number; column: number } | null;
  if (!top) return [...findings, finding(file, 'logo/parse', 1, 1, 'has no <svg> element', 'write the logo as <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">…</svg>')];
  const box = top.viewBox?.trim().split(/[\s,]+/).map(Number);
  if (!box || box.length !== 4 || box.some((n) => !Number.isFinite(n)) || box[2]! <= 0) {
    findings.push(finding(file, 'logo/viewbox', top.line, top.column, 'the <svg> element has no valid viewBox', 'add viewBox="0 0 24 24" (any square box works)'));
  } else if (box[2] !== box[3]) {
    findings.push(finding(file, 'logo/viewbox', top.line, top.column, `viewBox "${visible(top.viewBox!)}" is not square (${box[2]}×${box[3]})`, 'use a square viewBox such as "0 0 24 24" and centre the drawing'));
  }
  // Optimizing only makes sense for a safe, parseable logo.
  if (findings.length === 0) {
    let optimized: boolean;
    try {
      optimized = isOptimizedSvg(svg.text);
    } catch (error) {
      return [finding(file, 'logo/parse', 1, 1, `svgo cannot read it: ${(error as Error).message.split('\n')[0]}`, 'fix the SVG syntax')];
    }
    if (!optimized) {
      findings.push(finding(file, 'logo/not-optimized', 1, 1, 'is not optimized (svgo with the project config would change it)', 'run `npx artifact-types validate --fix` to rewrite it'));
    }
  }
  return findings;
}
