// A synthetic catalog built in memory (no files, no checker): n distinct types derived from one
// real entry, for page tests at scale.
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';

export function syntheticCatalog(base: ArtifactType, n: number): { catalog: Catalog; logos: Map<string, string> } {
  const types: ArtifactType[] = [];
  const logos = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const id = `synthetic.org${Math.floor(i / 100)}.type${i}`;
    types.push({
      ...base,
      id,
      displayName: `Synthetic type ${i}`,
      description: `Synthetic artifact type number ${i}, generated for scale tests.`,
      aliases: [],
      artifactTypes: [{ mediaType: `application/vnd.synthetic${i}.thing.v1` }],
      configMediaTypes: [{ mediaType: `application/vnd.synthetic${i}.thing.config.v1+json` }],
      layers: [{ mediaType: `application/vnd.synthetic${i}.thing.layer.v1.tar+gzip`, description: 'The content.', format: 'tar+gzip', required: true }],
      annotations: [],
      configLabels: [],
      tools: [{ name: `tool${i}`, pull: `tool${i} pull {registry}/{repository}:{tag}` }],
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
    });
    logos.set(id, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="hsl(${(i * 137) % 360},60%,35%)"/></svg>`);
  }
  types.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { catalog: { formatVersion: 1, name: 'synthetic', version: '1.0.0', digest: `sha256:${'f'.repeat(64)}`, types }, logos };
}
