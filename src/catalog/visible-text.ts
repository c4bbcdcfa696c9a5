// Characters that make text display differently from what it is, or not at all: C0 (but tab, LF, CR),
// DEL and C1 controls, bidi controls (Trojan Source, CVE-2021-42574), zero-width and other invisible
// characters, and Unicode tag characters. Contributed text that ends up in a message is escaped first.
const HIDDEN_CLASS = '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u115f\\u1160\\u180e\\u200b\\u200e\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\u3164\\ufeff\\uffa0\\u{e0000}-\\u{e007f}]';
const HIDDEN_ONE = new RegExp(HIDDEN_CLASS, 'u');
export const HIDDEN_ALL = new RegExp(HIDDEN_CLASS, 'gu');
/** In a message line breaks and tabs are unsafe too: annotations and workflow commands are line-based. */
const UNSAFE_IN_MESSAGE = new RegExp(HIDDEN_CLASS.replace('[', '[\\t\\n\\r'), 'gu');

/** The code point of the first hidden character in a string, or null. */
export function hiddenCharacter(text: string): number | null {
  const match = HIDDEN_ONE.exec(text);
  return match ? match[0].codePointAt(0)! : null;
}

/** The text with every hidden character (and tab, CR, LF) written as \u{…}, safe to quote in a message. */
export function visible(text: string): string {
  return text.replace(UNSAFE_IN_MESSAGE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
