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

export function fillCommand(template: string, where: Location): string {
  const parent = where.repository.includes('/') ? where.repository.slice(0, where.repository.lastIndexOf('/')) : '';
  const values: Record<string, string | undefined> = {
    registry: where.registry,
    repository: where.repository,
    'repository-parent': parent || undefined,
    tag: where.tag ?? where.digest,
    digest: where.digest,
  };
  return template.replace(/\{([a-z-]+)\}/g, (whole, name: string) => values[name] ?? whole);
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
