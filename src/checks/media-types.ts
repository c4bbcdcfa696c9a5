// Rules media-type/*: every media type is RFC 6838; identifying ones follow the OCI naming guidance.
import type { Finding } from '../model/finding.ts';
import type { DefinitionRule } from './context.ts';
import { at } from './context.ts';
import { mediaTypeProblems, ociNamingAdvice } from '../classify/index.ts';
import { visible } from './invisible-characters.ts';

const LISTS = ['manifestMediaTypes', 'artifactTypes', 'configMediaTypes', 'layers'] as const;

export const mediaTypes: DefinitionRule = ({ source, definition }) => {
  if (!definition || !source.definition) return [];
  const findings: Finding[] = [];
  for (const list of LISTS) {
    (definition[list] ?? []).forEach((entry, i) => {
      const info = typeof entry === 'string' ? { mediaType: entry } : entry;
      // Quoted in messages: control and bidi characters are escaped (text/invisible-character reports them).
      const shown = visible(info.mediaType);
      const pointer = typeof entry === 'string' ? `/${list}/${i}` : `/${list}/${i}/mediaType`;
      const legacy = 'legacy' in info && info.legacy === true;
      if (legacy && !('note' in info && info.note)) {
        findings.push(at(source.definition!, `/${list}/${i}`, 'media-type/legacy-note', `"${shown}" is marked legacy without a note`, 'add "note" saying which tool writes this string and why it is kept'));
      }
      for (const problem of mediaTypeProblems(info.mediaType)) {
        findings.push(
          at(source.definition!, pointer, 'media-type/grammar', `"${shown}" ${visible(problem.message)}`,
            legacy ? 'kept because a real tool writes it (legacy)' : 'write type/subtype in lower case per RFC 6838; if a real tool writes exactly this string, mark the entry "legacy": true with a "note"',
            legacy ? 'warning' : 'error'),
        );
      }
      const identifying = list === 'artifactTypes' || (list === 'configMediaTypes' && !('generic' in info && info.generic) && !('identifying' in info && info.identifying === false));
      if (identifying && !legacy) {
        const advice = ociNamingAdvice(info.mediaType);
        if (advice) {
          findings.push(at(source.definition!, pointer, 'media-type/oci-naming', `"${shown}" ${advice} (OCI artifact authors' guidance)`, 'new types should be named application/vnd.<org>.<type>.config.v1+json; keep an existing real name as it is', 'warning'));
        }
      }
    });
  }
  return findings;
};
