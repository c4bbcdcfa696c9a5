// A type's tool commands with the real registry, repository, tag and digest filled in. Placeholders
// only the user can know ({release}, {chart}, …) are left for them.
import type { ArtifactType } from '../model/catalog.ts';

export interface Action {
  tool: string;
  kind: 'pull' | 'push' | 'run';
  command: string;
}

export interface Location {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * The placeholders fillCommand fills from where the artifact is (the one list: the checker's
 * tools/unknown-placeholder accepts these plus the user-supplied ones in src/checks/tools.ts).
 */
export const FILLED_PLACEHOLDERS = ['registry', 'repository', 'repository-parent', 'tag', 'digest', 'reference'] as const;
export type FilledPlaceholder = (typeof FILLED_PLACEHOLDERS)[number];

export function fillCommand(template: string, where: Location): string {
  const parent = where.repository.includes('/') ? where.repository.slice(0, where.repository.lastIndexOf('/')) : '';
  const name = `${where.registry}/${where.repository}`;
  // Typed by the list above, so a placeholder filled here and missing there (or back) does not compile.
  const values: Record<FilledPlaceholder, string | undefined> = {
    registry: where.registry,
    repository: where.repository,
    'repository-parent': parent || undefined,
    // Left as {tag} when the artifact has none: a digest in a tag's place makes an invalid reference.
    tag: where.tag,
    digest: where.digest,
    reference: where.tag ? `${name}:${where.tag}` : where.digest ? `${name}@${where.digest}` : undefined,
  };
  // {{ … }} is the tool's own template syntax (docker --format), kept as written.
  return template.replace(/\{\{.*?\}\}|\{([a-z-]+)\}/g, (whole, key: string | undefined) => (key !== undefined && Object.hasOwn(values, key) ? values[key as FilledPlaceholder] : undefined) ?? whole);
}

export function actionsFor(type: ArtifactType, where: Location): Action[] {
  const actions: Action[] = [];
  for (const tool of type.tools) {
    for (const kind of ['pull', 'push', 'run'] as const) {
      const template = tool[kind];
      if (template) actions.push({ tool: tool.name, kind, command: fillCommand(template, where) });
    }
  }
  return actions;
}
