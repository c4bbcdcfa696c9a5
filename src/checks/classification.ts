// Rules examples/misclassified, examples/conformance, examples/near-miss: every example manifest
// classifies to its own type and conforms; every negative example does not (or is flagged).
import { classify } from '../classify/index.ts';
import type { Finding } from '../model/finding.ts';
import type { CatalogRule } from './context.ts';
import { at } from './context.ts';
import { visible } from '../catalog/visible-text.ts';
import { MAX_FINDINGS_PER_FILE, moreFinding } from './schema-findings.ts';

export const classification: CatalogRule = ({ checked, focus, lookup }) => {
  const findings: Finding[] = [];
  for (const { source, entry } of checked) {
    if (!entry || (focus && !focus.has(source.id))) continue;
    for (const example of source.examples) {
      if (example.role === 'config') continue;
      const config = source.examples.find((e) => e.role === 'config' && e.stem === example.stem)?.source.value;
      const result = classify(lookup, example.source.value, config === undefined ? {} : { config });
      if (result.error) continue; // examples/invalid-manifest already says why
      if (example.role === 'manifest') {
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
  }
  return findings;
};
