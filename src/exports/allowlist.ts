// The registry allowlist a catalog implies: config media type → the layer media types manifests with
// that config carry. Pure: a function of the catalog (and an optional choice of types).
import { EMPTY_MEDIA_TYPE } from '../classify/index.ts';
import type { ArtifactType, Catalog } from '../model/catalog.ts';

/** The OCI empty config (image-spec manifest.md): the config of artifacts identified by artifactType. */
export const EMPTY_CONFIG = EMPTY_MEDIA_TYPE;
/** Registries check these manifests' config and layers against their lists; indexes have neither. */
const IMAGE_MANIFESTS = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);

export interface Allowlist {
  /** Sorted config media type → sorted, distinct layer media types. */
  map: Record<string, string[]>;
  /** The types covered, in catalog order. */
  ids: string[];
  /** Types among `ids` identified by artifactType whose manifests carry the empty config. */
  overEmptyConfig: string[];
  /** Types left out: they are only ever image indexes, so a config/layer allowlist does not apply. */
  indexOnly: string[];
}

function usesImageManifest(type: ArtifactType): boolean {
  return type.manifestMediaTypes.length === 0 || type.manifestMediaTypes.some((m) => IMAGE_MANIFESTS.has(m.mediaType.split(';')[0]!.trim().toLowerCase()));
}

/** The config media types a type's manifests carry: every one it declares; the empty config when it declares none but is identified by artifactType. */
function configsOf(type: ArtifactType): string[] {
  const declared = type.configMediaTypes.map((m) => m.mediaType);
  return declared.length === 0 && type.artifactTypes.length > 0 ? [EMPTY_CONFIG] : declared;
}

export function allowlist(catalog: Catalog, types: readonly ArtifactType[] = catalog.types): Allowlist {
  const map = new Map<string, Set<string>>();
  const ids: string[] = [];
  const overEmptyConfig: string[] = [];
  const indexOnly: string[] = [];
  for (const type of types) {
    if (!usesImageManifest(type)) {
      indexOnly.push(type.id);
      continue;
    }
    ids.push(type.id);
    const configs = configsOf(type);
    if (type.artifactTypes.length > 0 && configs.includes(EMPTY_CONFIG)) overEmptyConfig.push(type.id);
    for (const config of configs) {
      const layers = map.get(config) ?? new Set<string>();
      for (const layer of type.layers) layers.add(layer.mediaType);
      map.set(config, layers);
    }
  }
  const sorted: Record<string, string[]> = {};
  for (const config of [...map.keys()].sort()) sorted[config] = [...map.get(config)!].sort();
  return { map: sorted, ids, overEmptyConfig, indexOnly };
}
