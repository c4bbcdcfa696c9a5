// Small, complete catalog entries for the PR report tests (digests computed like the build does).
import { canonicalJson, sha256 } from '../../src/catalog/digest.ts';
import type { ArtifactType, Catalog } from '../../src/model/catalog.ts';

export function type(id: string, over: Partial<ArtifactType> = {}): ArtifactType {
  const entry: Omit<ArtifactType, 'digest'> = {
    id, displayName: `Type ${id}`, description: `The ${id} type.`, version: '1.0.0', status: 'active', aliases: [],
    manifestMediaTypes: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json' }],
    artifactTypes: [{ mediaType: `application/vnd.${id}.v1` }], configMediaTypes: [],
    layers: [{ mediaType: `application/vnd.${id}.layer.v1.tar`, description: 'the files' }],
    annotations: [], configLabels: [], homepage: 'https://example.com', sources: ['https://example.com/src'],
    maintainers: ['@artifact-types/maintainers'],
    tools: [{ name: 'acme', pull: 'acme pull {registry}/{repository}:{tag}', push: 'acme push {registry}/{repository}:{tag}' }],
    docs: { title: id, summary: 'A summary of it.' },
    logo: { file: `logos/${id}.svg`, sha256: 'sha256:0', size: 1 }, configSchema: null, example: null,
    ...over,
  };
  return { ...entry, digest: sha256(canonicalJson(entry)) };
}

export const catalog = (version: string, types: ArtifactType[]): Catalog => ({ formatVersion: 1, name: 'artifact-types', version, digest: sha256(canonicalJson(types)), types });
