// Rule text/invisible-character: contributed text shows up in the README table, the catalog page, PR
// annotations and terminals. Bidi controls make it display differently from what it is (Trojan Source,
// CVE-2021-42574: a copied command that runs more than it shows), control characters corrupt logs and
// annotations, and zero-width or tag characters hide content. Real definitions need none of them.
import type { Finding } from '../model/finding.ts';
import type { JsonSource } from '../catalog/json-source.ts';
import { positionOf } from '../catalog/json-source.ts';
import type { TextSource } from '../catalog/read-file.ts';
import type { DefinitionRule } from './context.ts';
import { at } from './context.ts';
import { HIDDEN_ALL, hiddenCharacter, visible } from '../catalog/visible-text.ts';

export { visible };

/** Numeric character references: XML and Markdown decode them into the hidden characters. */
const CHAR_REF = /&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));/gi;
/** More than this many in one file is one problem repeated: report the first ones. */
const MAX_PER_FILE = 10;

const NAMES: Record<number, string> = {
  0x0000: 'NUL', 0x00ad: 'SOFT HYPHEN', 0x061c: 'ARABIC LETTER MARK', 0x200b: 'ZERO WIDTH SPACE', 0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING', 0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER', 0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

const codePoint = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

function describe(c: number): string {
  const name = NAMES[c] ?? (c < 0x20 || (c >= 0x7f && c <= 0x9f) ? 'a control character' : c >= 0xe0000 ? 'a tag character' : 'an invisible character');
  const kind = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c ? ' (a bidi control: the text displays differently from what it is)' : '';
  return `${codePoint(c)} ${name}${kind}`;
}

const FIX = 'remove it (retype the text if you pasted it); nothing in a definition needs invisible or control characters';

/** Every string and key of a parsed JSON file. */
function jsonFindings(source: JsonSource): Finding[] {
  const findings: Finding[] = [];
  const visit = (value: unknown, pointer: string): void => {
    if (findings.length >= MAX_PER_FILE) return;
    if (typeof value === 'string') {
      const c = hiddenCharacter(value);
      if (c !== null) findings.push(at(source, pointer, 'text/invisible-character', `contains ${describe(c)}`, FIX));
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${pointer}/${i}`));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const escaped = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const c = hiddenCharacter(key);
        if (c !== null && findings.length < MAX_PER_FILE) findings.push(at(source, escaped, 'text/invisible-character', `key contains ${describe(c)}`, FIX, 'error', true));
        visit(item, escaped);
      }
    }
  };
  visit(source.value, '');
  return findings;
}

/** Raw text (README, logo), including characters written as numeric character references. */
function textFindings(source: TextSource): Finding[] {
  const findings: Finding[] = [];
  const report = (offset: number, c: number, how: string) => {
    const { line, column } = positionOf(source.text, offset);
    findings.push({ rule: 'text/invisible-character', severity: 'error', file: source.file, line, column, message: `contains ${describe(c)}${how}`, fix: FIX });
  };
  for (const match of source.text.matchAll(HIDDEN_ALL)) {
    if (findings.length >= MAX_PER_FILE) break;
    report(match.index, match[0].codePointAt(0)!, '');
  }
  for (const match of source.text.matchAll(CHAR_REF)) {
    if (findings.length >= MAX_PER_FILE) break;
    const c = parseInt(match[1] ?? match[2]!, match[1] ? 16 : 10);
    if (c <= 0x10ffff && hiddenCharacter(String.fromCodePoint(c)) !== null) report(match.index, c, `, written as the reference ${match[0]}`);
  }
  return findings;
}

export const invisibleCharacters: DefinitionRule = ({ source }) => [
  ...(source.definition ? jsonFindings(source.definition) : []),
  ...(source.configSchema ? jsonFindings(source.configSchema) : []),
  ...source.examples.flatMap((example) => jsonFindings(example.source)),
  ...(source.readme ? textFindings(source.readme) : []),
  ...(source.logo ? textFindings(source.logo) : []),
];
