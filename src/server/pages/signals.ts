// What identifies a type, as people read it: each identifying string once, labelled by the roles it
// plays (artifactType, config, layer, annotation, label), strongest first, the order the classifier
// decides in. The list itself comes from src/catalog/identifying.ts, the one the checker uses.
import { identifyingStrings, type IdentifyingRole, type IdentifyingString } from '../../catalog/identifying.ts';
import type { ArtifactType } from '../../model/catalog.ts';

/** Classification strength: artifactType beats config beats layer beats annotation beats config label. */
const STRENGTH: Record<IdentifyingRole, number> = { artifactType: 0, config: 1, layer: 2, annotation: 3, configLabel: 4, manifest: 5 };
const LABEL: Record<IdentifyingRole, string> = { artifactType: 'artifactType', config: 'config', layer: 'layer', annotation: 'annotation', configLabel: 'label', manifest: 'manifest' };

export interface CardSignal {
  /** Role labels, strongest first, e.g. ['artifactType', 'layer'] for a string used as both. */
  roles: string[];
  /** The media type, or `key` / `key=value` for annotations and labels. */
  text: string;
  /** A fallback only (generic media type). */
  generic: boolean;
}

function strength(s: IdentifyingString): number {
  return (s.generic ? 10 : 0) + STRENGTH[s.role];
}

export function signalText(s: IdentifyingString): string {
  return s.matchValue !== undefined ? `${s.value}=${s.matchValue}` : s.value;
}

/** The card's signals: manifest media types are left out (they say "an OCI manifest", not which type). */
export function cardSignals(type: ArtifactType): CardSignal[] {
  const sorted = identifyingStrings(type)
    .filter((s) => s.role !== 'manifest')
    .sort((a, b) => strength(a) - strength(b));
  const byText = new Map<string, CardSignal>();
  for (const s of sorted) {
    const text = signalText(s);
    const seen = byText.get(text);
    if (!seen) byText.set(text, { roles: [LABEL[s.role]], text, generic: s.generic });
    else if (!seen.roles.includes(LABEL[s.role])) seen.roles.push(LABEL[s.role]);
  }
  return [...byText.values()];
}

export function roleLabel(role: IdentifyingRole): string {
  return LABEL[role];
}
