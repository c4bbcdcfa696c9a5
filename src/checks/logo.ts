// Rules logo/*: a logo is a small, square, self-contained drawing. Anything that can script, load
// from elsewhere or expand (entities) is refused; an allowlist would be stricter still, but we keep
// basic shapes, gradients and <use href="#…"> so authors can draw freely.
import { SaxesParser } from 'saxes';
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { optimizeSvg } from './svgo-config.ts';

const FORBIDDEN_ELEMENTS = new Set(['script', 'foreignobject', 'image', 'iframe', 'embed', 'object', 'audio', 'video', 'canvas', 'animate', 'set', 'animatemotion', 'animatetransform', 'handler', 'listener', 'feimage', 'a']);
const HREF = /^(xlink:)?href$/i;
const URL_IN_CSS = /url\s*\(\s*(['"]?)\s*([^'")\s]*)/gi;
const IMPORT_IN_CSS = /@import/i;

function finding(file: string, rule: string, line: number, column: number, message: string, fix: string, severity: Finding['severity'] = 'error'): Finding {
  return { rule, severity, file, line, column, message, fix };
}

/** Every url(...) target in CSS text that is not a same-document #fragment. */
function externalCssUrls(css: string): string[] {
  return [...css.matchAll(URL_IN_CSS)].map((m) => m[2] ?? '').filter((target) => !target.startsWith('#'));
}

export const logo: DefinitionRule = ({ source }) => {
  const svg = source.logo;
  if (!svg) return [];
  const file = svg.file;
  const findings: Finding[] = [];
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let root: { viewBox?: string; line: number; column: number } | null = null;
  let inStyle = false;
  const here = () => ({ line: parser.line, column: Math.max(parser.column, 1) });
  parser.on('doctype', () => {
    const { line, column } = here();
    findings.push(finding(file, 'logo/doctype', line, column, 'has a DOCTYPE; entity declarations can expand without bound (billion laughs)', 'remove the <!DOCTYPE …> declaration'));
  });
  parser.on('opentag', (node) => {
    const { line, column } = here();
    const name = node.name.toLowerCase();
    if (depth === 0) {
      if (name !== 'svg') findings.push(finding(file, 'logo/parse', line, column, `the root element is <${node.name}>, not <svg>`, 'make <svg> the root element'));
      root = { viewBox: node.attributes.viewBox as string | undefined, line, column };
    }
    depth++;
    if (FORBIDDEN_ELEMENTS.has(name)) {
      findings.push(finding(file, 'logo/forbidden-element', line, column, `<${node.name}> is not allowed in a logo (it can run script, animate links or load content)`, `remove the <${node.name}> element and draw with paths and shapes`));
    }
    if (name === 'style') inStyle = true;
    for (const [attribute, raw] of Object.entries(node.attributes)) {
      const value = String(raw);
      if (/^on/i.test(attribute)) {
        findings.push(finding(file, 'logo/event-handler', line, column, `attribute ${attribute} on <${node.name}> is an event handler (script)`, `remove ${attribute}`));
      } else if (HREF.test(attribute) && !value.trim().startsWith('#')) {
        findings.push(finding(file, 'logo/external-reference', line, column, `${attribute}="${value.slice(0, 60)}" points outside the logo (only #fragment references are allowed)`, 'inline what it points to, or reference an element inside the logo with href="#id"'));
      } else if (attribute === 'style' || /^(fill|stroke|filter|clip-path|mask|marker(-start|-mid|-end)?)$/i.test(attribute)) {
        for (const target of externalCssUrls(value)) {
          findings.push(finding(file, 'logo/css-url', line, column, `url(${target.slice(0, 60)}) in ${attribute} loads from outside the logo`, 'use a colour, or url(#id) of a gradient inside the logo'));
        }
        if (IMPORT_IN_CSS.test(value)) findings.push(finding(file, 'logo/css-url', line, column, '@import in a style loads from outside the logo', 'remove the @import'));
      }
    }
  });
  parser.on('closetag', (node) => {
    depth--;
    if (node.name.toLowerCase() === 'style') inStyle = false;
  });
  const onCss = (text: string) => {
    if (!inStyle) return;
    const { line, column } = here();
    for (const target of externalCssUrls(text)) {
      findings.push(finding(file, 'logo/css-url', line, column, `url(${target.slice(0, 60)}) in <style> loads from outside the logo`, 'use url(#id) of an element inside the logo, or plain colours'));
    }
    if (IMPORT_IN_CSS.test(text)) findings.push(finding(file, 'logo/css-url', line, column, '@import in <style> loads from outside the logo', 'remove the @import'));
  };
  parser.on('text', onCss);
  parser.on('cdata', onCss);
  try {
    parser.on('error', (error) => {
      throw error;
    });
    parser.write(svg.text).close();
  } catch (error) {
    const message = String((error as Error).message).replace(/^[^:]*:\d+:\d+: /, '');
    const { line, column } = here();
    return [...findings, finding(file, 'logo/parse', line, column, `is not well-formed SVG: ${message}`, 'fix the XML at this position')];
  }
  const top = root as { viewBox?: string; line: number; column: number } | null;
  if (!top) return [...findings, finding(file, 'logo/parse', 1, 1, 'has no <svg> element', 'write the logo as <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">…</svg>')];
  const box = top.viewBox?.trim().split(/[\s,]+/).map(Number);
  if (!box || box.length !== 4 || box.some((n) => !Number.isFinite(n)) || box[2]! <= 0) {
    findings.push(finding(file, 'logo/viewbox', top.line, top.column, 'the <svg> element has no valid viewBox', 'add viewBox="0 0 24 24" (any square box works)'));
  } else if (box[2] !== box[3]) {
    findings.push(finding(file, 'logo/viewbox', top.line, top.column, `viewBox "${top.viewBox}" is not square (${box[2]}×${box[3]})`, 'use a square viewBox such as "0 0 24 24" and centre the drawing'));
  }
  // Optimizing only makes sense for a safe, parseable logo.
  if (findings.length === 0) {
    let optimized: string;
    try {
      optimized = optimizeSvg(svg.text);
    } catch (error) {
      return [finding(file, 'logo/parse', 1, 1, `svgo cannot read it: ${(error as Error).message.split('\n')[0]}`, 'fix the SVG syntax')];
    }
    if (optimized !== svg.text) {
      findings.push(finding(file, 'logo/not-optimized', 1, 1, 'is not optimized (svgo with the project config would change it)', 'run `npx artifact-types validate --fix` to rewrite it'));
    }
  }
  return findings;
};
