// README front matter, YAML only. gray-matter would run `---js` front matter through eval, and its
// engine lookup walks the prototype chain, so: the first line must be exactly `---`, every non-YAML
// engine throws, YAML goes through `yaml` with alias expansion bounded, and data must be a plain object.
import matter from 'gray-matter';
import { parseDocument } from 'yaml';
import { visible } from './visible-text.ts';

export interface FrontMatter {
  data: Record<string, unknown>;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
}

export class FrontMatterError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly fix: string,
  ) {
    super(message);
  }
}

function refuse(language: string): never {
  throw new FrontMatterError(`front matter language "${visible(language.slice(0, 40))}" is not allowed`, 1, 'use YAML front matter: start the file with a line that is exactly ---');
}

/** Whether any string (or key) in parsed YAML is not well-formed Unicode; iterative, each node once. */
function holdsLoneSurrogate(data: unknown): boolean {
  const lone = /[\uD800-\uDFFF]/u;
  const seen = new Set<unknown>();
  const stack = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (lone.test(value)) return true;
    } else if (typeof value === 'object' && value !== null && !seen.has(value)) {
      seen.add(value);
      for (const [key, item] of Object.entries(value)) stack.push(key, item);
    }
  }
  return false;
}

const engines = {
  yaml: (text: string): object => {
    // A warning (an unknown tag such as !!js/function) is refused too: front matter is plain data.
    const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: true });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw problem;
    const data = (doc.toJS({ maxAliasCount: 20 }) as object | null) ?? {};
    if (holdsLoneSurrogate(data)) throw new FrontMatterError('front matter holds a lone surrogate (a \\uD800-\\uDFFF escape without its other half)', 2, 'write the character itself instead of an escape');
    return data;
  },
  javascript: () => refuse('javascript'),
  js: () => refuse('js'),
  json: () => refuse('json'),
  coffee: () => refuse('coffee'),
  coffeescript: () => refuse('coffeescript'),
  toml: () => refuse('toml'),
};

// The docs rule and the catalog build both read the same README: parse each text once.
const parsedTexts = new Map<string, FrontMatter | FrontMatterError>();

export function parseFrontMatter(text: string): FrontMatter {
  let result = parsedTexts.get(text);
  if (!result) {
    try {
      result = parseFrontMatterUncached(text);
    } catch (error) {
      if (!(error instanceof FrontMatterError)) throw error;
      result = error;
    }
    // Only the most recent texts are worth keeping: a folder is checked, then built.
    if (parsedTexts.size > 64) parsedTexts.delete(parsedTexts.keys().next().value!);
    parsedTexts.set(text, result);
  }
  if (result instanceof FrontMatterError) throw result;
  return result;
}

function parseFrontMatterUncached(text: string): FrontMatter {
  const firstLine = text.split('\n', 1)[0]!.replace(/\r$/, '');
  if (firstLine !== '---') {
    if (firstLine.startsWith('---')) refuse(firstLine.slice(3).trim() || 'unknown');
    throw new FrontMatterError('has no front matter', 1, 'start the file with ---, then title: and summary: lines, then ---');
  }
  const closing = text.indexOf('\n---', 3);
  if (closing < 0) throw new FrontMatterError('front matter is not closed', 1, 'end the front matter with a line that is exactly ---');
  let parsed;
  try {
    // An options object (never undefined) also keeps gray-matter from caching every input forever.
    parsed = matter(text, { language: 'yaml', engines } as unknown as Parameters<typeof matter>[1]);
  } catch (error) {
    if (error instanceof FrontMatterError) throw error;
    const e = error as { message?: string; linePos?: Array<{ line: number }> };
    // The parser's own "at line N, column M" counts from the front matter; the finding gives the file's.
    const reason = String(e.message ?? error).split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const fix = /mapping|colon|:/i.test(reason) ? 'quote a value that contains a colon, e.g. summary: "Charts: packaged"' : 'fix the YAML between the --- lines';
    throw new FrontMatterError(`front matter is not valid YAML: ${visible(reason)}`, (e.linePos?.[0]?.line ?? 1) + 1, fix);
  }
  const data = parsed.data as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.getPrototypeOf(data) !== Object.prototype) {
    throw new FrontMatterError('front matter must be a YAML mapping (key: value lines)', 2, 'write title: and summary: lines between the --- lines');
  }
  const headerLines = text.slice(0, closing + 4).split('\n').length;
  return { data: data as Record<string, unknown>, body: parsed.content, bodyLine: headerLines + 1 };
}
