// Rules tools/*: the placeholders in tools[] command templates (pull, push, run). A registry listing
// (`artifact-types ls`, the /registry page) fills FILLED_PLACEHOLDERS and shows every other one as
// written, for the person to replace; so a placeholder must be one of those or a documented
// user-supplied one, or a typo ({regsitry}, {tagg}) would ship and be shown unfilled.
//
// Syntax: `{name}` is a placeholder. `{{ … }}` is literal template text the tool itself reads (e.g.
// `docker buildx imagetools inspect --format '{{ json .Provenance }}'`); it is not a placeholder.
// There is no other way to write a literal brace.
import { closest, distance } from 'fastest-levenshtein';
import type { Finding } from '../model/finding.ts';
import type { Action } from '../registry/actions.ts';
import { FILLED_PLACEHOLDERS } from '../registry/actions.ts';
import type { JsonSource } from '../catalog/json-source.ts';
import { nodeAt } from '../catalog/json-source.ts';
import { visible } from '../catalog/visible-text.ts';
import type { DefinitionRule } from './context.ts';
import { at } from './context.ts';

/**
 * Placeholders only the person running the command can know: a registry listing leaves them as
 * written. The one list of them; add a placeholder here, with its meaning, before a definition uses it.
 */
export const USER_PLACEHOLDERS: Readonly<Record<string, string>> = {
  chart: "the chart's name, as in its packaged file name ({chart}-{tag}.tgz)",
  component: 'an OCM component name, e.g. github.com/acme/app',
  file: 'a local file the command reads or writes (its path, or its base name where the template adds the extension)',
  formula: 'a Homebrew formula name',
  image: 'another image the command acts on (e.g. the image a scanner scans), not the artifact itself',
  module: "a module path as its ecosystem names it (e.g. a CUE module's path)",
  'package-file': 'a local package archive to publish (e.g. zarf-package-<name>-<arch>.tar.zst)',
  release: 'the name to install a release under (e.g. a Helm release)',
  'repository-prefix': 'the repository path prefix under which a tool stores its repositories (e.g. an OCM repository prefix)',
  'resource-group': 'an Azure resource group to deploy into',
  type: "a provider's type name (e.g. aws in terraform-provider-aws)",
};

/** Every placeholder a template may hold, filled ones first. */
export const KNOWN_PLACEHOLDERS: readonly string[] = [...FILLED_PLACEHOLDERS, ...Object.keys(USER_PLACEHOLDERS)];

const KNOWN = new Set(KNOWN_PLACEHOLDERS);
/** The template fields, each kind of action a registry listing fills (a new kind does not compile until listed). */
const FIELDS = Object.keys({ pull: true, push: true, run: true } satisfies Record<Action['kind'], true>) as Array<Action['kind']>;

/** What is wrong in one template, at a UTF-16 index of its value. */
export interface TemplateProblem {
  kind: 'unknown-placeholder' | 'unbalanced-brace';
  index: number;
  /** The placeholder's name (unknown-placeholder). */
  name?: string;
  detail?: string;
}

/** The brace and placeholder problems in one command template. */
export function templateProblems(template: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const end = template.indexOf('}}', i + 2);
      if (end < 0) {
        problems.push({ kind: 'unbalanced-brace', index: i, detail: '"{{" is never closed by "}}"' });
        break;
      }
      i = end + 2;
    } else if (template[i] === '{') {
      const next = template.slice(i + 1).search(/[{}]/);
      const end = next < 0 ? -1 : i + 1 + next;
      if (end < 0 || template[end] === '{') {
        problems.push({ kind: 'unbalanced-brace', index: i, detail: '"{" is never closed by "}"' });
        i = end < 0 ? template.length : end;
        continue;
      }
      const name = template.slice(i + 1, end);
      if (name === '') problems.push({ kind: 'unbalanced-brace', index: i, detail: '"{}" is empty' });
      else if (!KNOWN.has(name)) problems.push({ kind: 'unknown-placeholder', index: i, name });
      i = end + 1;
    } else {
      if (template[i] === '}') problems.push({ kind: 'unbalanced-brace', index: i, detail: '"}" closes no "{"' });
      i++;
    }
  }
  return problems;
}

/** The known placeholder closest to `name`, and whether it is close enough to be a typo of it. */
export function closestPlaceholder(name: string): { name: string; typo: boolean } {
  const lower = name.toLowerCase();
  const best = closest(lower, [...KNOWN_PLACEHOLDERS]);
  return { name: best, typo: distance(lower, best) <= Math.max(2, Math.floor(name.length / 3)) };
}

/**
 * line:column of a character of a string value: its opening quote's column plus the raw JSON text up
 * to the character (escapes count as written). Templates are one line, so the line is the quote's.
 */
function positionIn(source: JsonSource, pointer: string, index: number): { line: number; column: number } {
  const { start } = nodeAt(source.ast, pointer).loc;
  let raw = start.offset + 1;
  for (let k = 0; k < index && raw < source.text.length; k++) raw += source.text[raw] !== '\\' ? 1 : source.text[raw + 1] === 'u' ? 6 : 2;
  return { line: start.line, column: start.column + (raw - start.offset) };
}

function finding(source: JsonSource, pointer: string, index: number, rule: string, message: string, fix: string): Finding {
  return { ...at(source, pointer, rule, message, fix), ...positionIn(source, pointer, index) };
}

export const tools: DefinitionRule = ({ source, definition }) => {
  const json = source.definition;
  if (!definition || !json) return [];
  const findings: Finding[] = [];
  definition.tools.forEach((tool, t) => {
    for (const field of FIELDS) {
      const template = tool[field];
      if (typeof template !== 'string') continue;
      const pointer = `/tools/${t}/${field}`;
      const where = `in tool "${visible(tool.name)}" ${field}`;
      for (const problem of templateProblems(template)) {
        if (problem.kind === 'unbalanced-brace') {
          findings.push(finding(json, pointer, problem.index, 'tools/unbalanced-brace', `${problem.detail} ${where}: ${visible(template.slice(0, 120))}`,
            'write placeholders as {name}; literal template text the tool reads goes in double braces, {{ … }}'));
          continue;
        }
        const name = problem.name!;
        const best = closestPlaceholder(name);
        const hint = best.typo ? `did you mean {${best.name}}?` : `the closest known one is {${best.name}}`;
        findings.push(finding(json, pointer, problem.index, 'tools/unknown-placeholder',
          `{${visible(name)}} ${where} is not a known placeholder (a registry listing would show it unfilled); ${hint}`,
          `use one the registry fills (${FILLED_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}) or a user-supplied one (${Object.keys(USER_PLACEHOLDERS).map((p) => `{${p}}`).join(', ')}); a new user-supplied placeholder is added, with its meaning, to USER_PLACEHOLDERS in src/checks/tools.ts`));
      }
    }
  });
  return findings;
};
