// The identifying strings of a type: what a classifier matches on, each with where it sits in
// definition.json and the evidence it carries. One list for the checker, the drift watch and the pages.
import type { Evidence } from '../model/definition.ts';

/** Which part of a manifest (or its config blob) a string is matched against. */
export type IdentifyingRole = 'artifactType' | 'config' | 'manifest' | 'layer' | 'annotation' | 'configLabel';

export interface IdentifyingString {
  role: IdentifyingRole;
  /** The media type, or the annotation or label key. */
  value: string;
  /** For annotations and labels: the value that must match, when one is given. */
  matchValue?: string;
  /** For annotations: where the annotation sits. */
  on?: 'manifest' | 'layer' | 'entry' | 'config';
  /** A fallback: only chosen when nothing stronger matches. */
  generic: boolean;
  /** JSON pointer to the string in definition.json. */
  pointer: string;
  evidence: Evidence[];
}

/** The definition lists whose entries may carry evidence, identifying or not. */
export const EVIDENCE_LISTS = ['manifestMediaTypes', 'artifactTypes', 'configMediaTypes', 'layers', 'annotations', 'configLabels'] as const;

type Entry = string | { mediaType: string; generic?: boolean; identifying?: boolean; evidence?: Evidence[] };

/** The parts of a definition (or a built catalog entry: same shape) that hold identifying strings. */
export interface IdentifyingSource {
  manifestMediaTypes?: Entry[];
  artifactTypes?: Entry[];
  configMediaTypes?: Entry[];
  layers?: Array<{ mediaType: string; identifying?: boolean; evidence?: Evidence[] }>;
  annotations?: Array<{ key: string; value?: string; on: 'manifest' | 'layer' | 'entry' | 'config'; identifying?: boolean; evidence?: Evidence[] }>;
  configLabels?: Array<{ key: string; value?: string; evidence?: Evidence[] }>;
}

function entries(list: Entry[] | undefined, name: string, role: IdentifyingRole, keep: (entry: Exclude<Entry, string>) => boolean): IdentifyingString[] {
  const found: IdentifyingString[] = [];
  (list ?? []).forEach((entry, i) => {
    const info = typeof entry === 'string' ? { mediaType: entry } : entry;
    if (!keep(info)) return;
    found.push({ role, value: info.mediaType, generic: info.generic === true, pointer: typeof entry === 'string' ? `/${name}/${i}` : `/${name}/${i}/mediaType`, evidence: info.evidence ?? [] });
  });
  return found;
}

/**
 * Every string that names the type: artifactTypes and configMediaTypes (unless identifying: false),
 * generic manifest media types, identifying layers and annotations, and every config label.
 */
export function identifyingStrings(source: IdentifyingSource): IdentifyingString[] {
  const found = [
    ...entries(source.artifactTypes, 'artifactTypes', 'artifactType', (e) => e.identifying !== false),
    ...entries(source.configMediaTypes, 'configMediaTypes', 'config', (e) => e.identifying !== false),
    ...entries(source.manifestMediaTypes, 'manifestMediaTypes', 'manifest', (e) => e.generic === true),
  ];
  (source.layers ?? []).forEach((layer, i) => {
    if (layer.identifying === true) found.push({ role: 'layer', value: layer.mediaType, generic: false, pointer: `/layers/${i}/mediaType`, evidence: layer.evidence ?? [] });
  });
  (source.annotations ?? []).forEach((a, i) => {
    if (a.identifying !== true) return;
    found.push({ role: 'annotation', value: a.key, ...(a.value !== undefined ? { matchValue: a.value } : {}), on: a.on, generic: false, pointer: `/annotations/${i}/key`, evidence: a.evidence ?? [] });
  });
  (source.configLabels ?? []).forEach((l, i) => {
    found.push({ role: 'configLabel', value: l.key, ...(l.value !== undefined ? { matchValue: l.value } : {}), generic: false, pointer: `/configLabels/${i}/key`, evidence: l.evidence ?? [] });
  });
  return found;
}

/** How a string is shown to people: `config application/…`, `annotation key=value (on layer)`. */
export function describeIdentifying(s: IdentifyingString): string {
  const value = s.matchValue !== undefined ? `${s.value}=${s.matchValue}` : s.value;
  if (s.role === 'annotation') return `annotation ${value} (on ${s.on})`;
  if (s.role === 'configLabel') return `config label ${value}`;
  return `${s.role} ${value}`;
}
