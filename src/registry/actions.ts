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

/**
 * Commands whose image argument is the subject a signature, SBOM or attestation is attached to, not the
 * referrer itself (each tool's docs: cosign download/verify/sign/attest/attach/tree take the signed image;
 * oras discover/attach the subject; notation ls/sign/verify/inspect the signed artifact; trivy image scans
 * and trivy referrer list/put read the subject's referrers; gh attestation verify the attested image).
 */
const SUBJECT_COMMAND = /^(?:cosign (?:download|verify|verify-attestation|sign|attest|attach|tree|triangulate)|oras (?:discover|attach)|notation (?:ls|list|sign|verify|inspect)|trivy (?:referrer|image)|gh attestation)\b/;

/** Whether a command acts on the subject of the artifact rather than on the artifact. */
export function takesSubject(command: string): boolean {
  return SUBJECT_COMMAND.test(command);
}

/**
 * The type's commands filled in for this artifact; for a referrer (`subject` given), commands that act
 * on the subject get the subject's tag and digest, so `cosign verify …@{digest}` verifies the image.
 */
export function actionsFor(type: ArtifactType, where: Location, subject?: { tag?: string; digest: string }): Action[] {
  const actions: Action[] = [];
  const onSubject: Location | null = subject ? { registry: where.registry, repository: where.repository, digest: subject.digest, ...(subject.tag ? { tag: subject.tag } : {}) } : null;
  for (const tool of type.tools) {
    for (const kind of ['pull', 'push', 'run'] as const) {
      const template = tool[kind];
      if (template) actions.push({ tool: tool.name, kind, command: fillCommand(template, onSubject && takesSubject(template) ? onSubject : where) });
    }
  }
  return actions;
}
