// Rules catalog/*: each identifying signal has one owner; ids and aliases are unique; replacedBy exists.
import { normalizeMediaType } from '../classify/index.ts';
import type { Finding } from '../model/finding.ts';
import type { ArtifactTypeDefinition } from '../model/catalog.ts';
import type { CatalogRule, CheckedDefinition } from './context.ts';
import { at } from './context.ts';

export interface Claim {
  key: string;
  label: string;
  pointer: string;
}

/** Every identifying signal a definition claims, keyed so equal signals compare equal. */
export function claimsOf(def: ArtifactTypeDefinition): Claim[] {
  const claims: Claim[] = [];
  const mediaTypeClaims = (list: 'artifactTypes' | 'configMediaTypes' | 'manifestMediaTypes', kind: string) =>
    (def[list] ?? []).forEach((entry, i) => {
      const info = typeof entry === 'string' ? { mediaType: entry } : entry;
      const generic = 'generic' in info && info.generic === true;
      if ('identifying' in info && info.identifying === false) return;
      if (list === 'manifestMediaTypes' && !generic) return;
      const role = list === 'configMediaTypes' && generic ? 'generic config' : kind;
      claims.push({ key: `${role} ${normalizeMediaType(info.mediaType)}`, label: `${role} media type "${info.mediaType}"`, pointer: `/${list}/${i}`});
    });
  mediaTypeClaims('artifactTypes', 'artifactType');
  mediaTypeClaims('configMediaTypes', 'config');
  mediaTypeClaims('manifestMediaTypes', 'fallback manifest');
  (def.layers ?? []).forEach((layer, i) => {
    if (layer.identifying) claims.push({ key: `layer ${normalizeMediaType(layer.mediaType)}`, label: `identifying layer media type "${layer.mediaType}"`, pointer: `/layers/${i}`});
  });
  (def.annotations ?? []).forEach((a, i) => {
    if (a.identifying) claims.push({ key: `annotation ${a.on} ${a.key}=${a.value ?? '*'}`, label: `identifying ${a.on} annotation ${a.key}${a.value !== undefined ? `=${a.value}` : ''}`, pointer: `/annotations/${i}`});
  });
  (def.configLabels ?? []).forEach((l, i) => {
    claims.push({ key: `label ${l.key}=${l.value ?? '*'}`, label: `config label ${l.key}${l.value !== undefined ? `=${l.value}` : ''}`, pointer: `/configLabels/${i}`});
  });
  return claims;
}

export const uniqueness: CatalogRule = ({ checked, focus }) => {
  const findings: Finding[] = [];
  const valid = checked.filter((c) => c.definition && c.source.definition);
  const owners = new Map<string, Claim & { owner: CheckedDefinition }>();
  const reported = (c: CheckedDefinition) => !focus || focus.has(c.source.id);
  for (const checkedDef of valid) {
    for (const claim of claimsOf(checkedDef.definition!)) {
      const first = owners.get(claim.key);
      if (!first) {
        owners.set(claim.key, { ...claim, owner: checkedDef });
      } else if (first.owner !== checkedDef && (reported(checkedDef) || reported(first.owner))) {
        const firstAt = at(first.owner.source.definition!, first.pointer, '', '', '');
        findings.push(at(checkedDef.source.definition!, claim.pointer, 'catalog/duplicate-claim', `${claim.label} is already claimed by ${first.owner.source.definition!.file}:${firstAt.line}:${firstAt.column}`, 'one type owns each identifying media type: remove it here (or mark it "identifying": false) and mention the other type in the README'));
      }
    }
  }
  const names = new Map<string, CheckedDefinition>();
  for (const c of valid) names.set(c.definition!.id, c);
  for (const c of valid) {
    (c.definition!.aliases ?? []).forEach((alias, i) => {
      const other = names.get(alias);
      if (other && other !== c && reported(c)) findings.push(at(c.source.definition!, `/aliases/${i}`, 'catalog/duplicate-id', `alias "${alias}" is the id or alias of ${other.source.definition!.file}`, 'remove the alias; ids and aliases are one namespace'));
      else names.set(alias, c);
    });
    const replacedBy = c.definition!.replacedBy;
    if (replacedBy !== undefined && reported(c)) {
      if (!valid.some((o) => o.definition!.id === replacedBy)) findings.push(at(c.source.definition!, '/replacedBy', 'catalog/unknown-replacement', `replacedBy "${replacedBy}" is not a type in the catalog`, 'name an existing type id'));
      if (c.definition!.status !== 'deprecated') findings.push(at(c.source.definition!, '/replacedBy', 'catalog/unknown-replacement', 'replacedBy is set on a type that is not deprecated', 'set "status": "deprecated", or remove replacedBy'));
    }
  }
  return findings;
};
