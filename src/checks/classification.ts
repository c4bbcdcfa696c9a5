// Rules examples/misclassified, examples/conformance, examples/near-miss, examples/signal-unreached:
// every example manifest classifies to its own type and conforms; every negative example does not (or
// is flagged); every identifying string is the deciding signal of at least one example.
import { classify } from '../classify/index.ts';
import type { Finding } from '../model/finding.ts';
import type { CatalogRule } from './context.ts';
import { at } from './context.ts';
import { visible } from '../catalog/visible-text.ts';
import { MAX_FINDINGS_PER_FILE, moreFinding } from './schema-findings.ts';
import { describeIdentifying, identifyingStrings, type IdentifyingString } from '../catalog/identifying.ts';
import { normalizeMediaType } from '../classify/index.ts';
import type { Classification } from '../model/classification.ts';

export const classification: CatalogRule = ({ checked, focus, lookup }) => {
  const findings: Finding[] = [];
  for (const { source, definition, entry } of checked) {
    if (!entry || (focus && !focus.has(source.id))) continue;
    const decided: Array<NonNullable<Classification['matched']> & { signal: Classification['signal'] }> = [];
    for (const example of source.examples) {
      if (example.role === 'config') continue;
      const config = source.examples.find((e) => e.role === 'config' && e.stem === example.stem)?.source.value;
      const result = classify(lookup, example.source.value, config === undefined ? {} : { config });
      if (result.error) continue; // examples/invalid-manifest already says why
      if (example.role === 'manifest') {
        if (result.id === entry.id && result.matched) decided.push({ ...result.matched, signal: result.signal });
        if (result.id !== entry.id) {
          const got = result.id ? `as ${result.id} (by ${result.signal} ${result.matched?.value})` : `as nothing (media types: ${[result.mediaTypes.artifactType, result.mediaTypes.config, ...result.mediaTypes.layers].filter(Boolean).join(', ')})`;
          findings.push(at(example.source, result.matched?.pointer ?? '', 'examples/misclassified', `classifies ${visible(got)}, not as ${entry.id}`, 'make the example match what the tool pushes, or add the identifying media type, annotation or label to definition.json'));
        }
        // One finding per layer could be 100,000 for a 4 MiB example: list the first ones and count the rest.
        const conformance = result.id === entry.id ? result.conformance : [];
        for (const c of conformance.slice(0, MAX_FINDINGS_PER_FILE)) {
          findings.push(at(example.source, c.path.startsWith('/config/') && config !== undefined ? '' : c.path, 'examples/conformance', `${c.code}: ${visible(c.message)}`, 'declare the media type in definition.json, or fix the example', c.severity));
        }
        const rest = conformance.slice(MAX_FINDINGS_PER_FILE);
        if (rest.length > 0) findings.push(moreFinding(example.source.file, 'examples/conformance', rest.length, rest.some((c) => c.severity === 'error') ? 'error' : 'warning'));
      } else if (result.id === entry.id && result.conformance.length === 0) {
        findings.push(at(example.source, result.matched?.pointer ?? '', 'examples/near-miss', `negative example classifies as ${entry.id} and conforms`, 'make the near miss differ in what identifies the type, or in a required layer'));
      }
    }
    if (!definition || !source.definition || source.examples.length === 0) continue;
    for (const s of identifyingStrings(definition)) {
      if (decided.some((d) => decides(s, d))) continue;
      findings.push(at(source.definition, s.pointer, 'examples/signal-unreached', `no example classifies as ${entry.id} by ${visible(describeIdentifying(s))}`,
        'add examples/<name>.manifest.json, shaped as the tool writes it, in which this is the strongest signal (artifactType beats config beats layer beats annotation beats config label); or fix the string if it has a typo'));
    }
  }
  return findings;
};

/** Whether a classification's deciding match is this identifying string. */
function decides(s: IdentifyingString, d: { signal: Classification['signal']; pointer: string; value: string }): boolean {
  switch (s.role) {
    case 'artifactType':
    case 'layer':
      return d.signal === s.role && sameMediaType(d.value, s.value);
    case 'config':
      return (d.signal === 'config' || d.signal === 'fallback') && d.pointer === '/config/mediaType' && sameMediaType(d.value, s.value);
    case 'manifest':
      return d.signal === 'fallback' && d.pointer === '/mediaType' && sameMediaType(d.value, s.value);
    case 'annotation': {
      const where = { manifest: /^\/annotations\//, config: /^\/config\/annotations\//, layer: /^\/layers\/\d+\/annotations\//, entry: /^\/manifests\/\d+\/annotations\// }[s.on!];
      return d.signal === 'annotation' && where.test(d.pointer) && pointerKey(d.pointer) === s.value && (s.matchValue === undefined || d.value === s.matchValue);
    }
    case 'configLabel':
      return d.signal === 'configLabel' && pointerKey(d.pointer) === s.value && (s.matchValue === undefined || d.value === s.matchValue);
  }
}

function sameMediaType(a: string, b: string): boolean {
  return normalizeMediaType(a) === normalizeMediaType(b);
}

/** The last segment of a JSON pointer, unescaped (RFC 6901). */
function pointerKey(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
}
