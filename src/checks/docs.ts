// Rules docs/*: README.md has YAML front matter with title and summary, and a body.
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { FrontMatterError, parseFrontMatter } from '../catalog/front-matter.ts';
import { projectValidator } from '../schema/ajv.ts';
import { visible } from '../catalog/visible-text.ts';

export const docs: DefinitionRule = ({ source }) => {
  const readme = source.readme;
  if (!readme) return [];
  const finding = (rule: string, line: number, message: string, fix: string): Finding => ({ rule, severity: 'error', file: readme.file, line, column: 1, message, fix });
  let parsed;
  try {
    parsed = parseFrontMatter(readme.text);
  } catch (error) {
    if (error instanceof FrontMatterError) return [finding('docs/front-matter', error.line, error.message, error.fix)];
    return [finding('docs/front-matter', 1, `front matter cannot be read: ${(error as Error).message}`, 'write YAML front matter between two --- lines')];
  }
  const findings: Finding[] = [];
  const validate = projectValidator('front-matter.schema.json');
  if (!validate(parsed.data)) {
    for (const error of validate.errors ?? []) {
      const params = error.params as Record<string, unknown>;
      const field = error.keyword === 'required' ? String(params.missingProperty) : error.keyword === 'additionalProperties' ? String(params.additionalProperty) : error.instancePath.slice(1);
      const rule = field === 'title' ? 'docs/title' : 'docs/front-matter';
      const message = error.keyword === 'required' ? `front matter has no ${field}` : error.keyword === 'additionalProperties' ? `front matter has unknown key "${field}"` : `front matter ${field} ${error.message}`;
      // Keys are contributed text (a YAML complex key can hold anything): escape before quoting.
      findings.push(finding(rule, 2, visible(message.slice(0, 300)), error.keyword === 'additionalProperties' ? 'only title and summary go in the front matter' : `set ${field}: a string (${field === 'title' ? 'the page title' : 'one or two sentences'})`));
    }
  }
  if (parsed.body.trim().length === 0) {
    findings.push(finding('docs/empty-body', parsed.bodyLine, 'the page has no body', 'describe how to push, pull and use the artifact, with the real tool commands'));
  }
  return findings;
};
