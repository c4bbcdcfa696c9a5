// The built catalog: what load → check → build produces and every consumer reads.
import type { Annotation, Evidence, ExampleNote, Label, Layer, Tool } from './definition.ts';

export type { ArtifactTypeDefinition, Annotation, Evidence, ExampleNote, Label, Layer, Tool, MediaTypeEntry } from './definition.ts';

/** A media type with its flags, always in object form once built. */
export interface MediaTypeInfo {
  mediaType: string;
  legacy?: boolean;
  deprecated?: boolean;
  generic?: boolean;
  /** Present (and false) only when the media type is allowed but does not identify the type. */
  identifying?: boolean;
  note?: string;
  /** Where the tool writes it (pinned permalink) or its docs say so (quote). */
  evidence?: Evidence[];
}

/** One artifact type as the catalog serves it: normalized, with its digest. */
export interface ArtifactType {
  id: string;
  displayName: string;
  description: string;
  version: string;
  status: 'active' | 'deprecated';
  replacedBy?: string;
  aliases: string[];
  manifestMediaTypes: MediaTypeInfo[];
  artifactTypes: MediaTypeInfo[];
  configMediaTypes: MediaTypeInfo[];
  layers: Layer[];
  annotations: Annotation[];
  configLabels: Label[];
  homepage: string;
  specification?: string;
  sources: string[];
  maintainers: string[];
  tools: Tool[];
  docs: { title: string; summary: string };
  logo: { file: string; sha256: string; size: number };
  /** The JSON Schema for the config object, or null where the type has none. */
  configSchema: Record<string, unknown> | null;
  /** The first positive example manifest, for documentation. */
  example: Record<string, unknown> | null;
  /** Which tool and versions write each example (file name → note); absent in catalogs built before 0.2. */
  exampleNotes?: Record<string, ExampleNote>;
  /** What is not yet verified against the tool's source or a real push. */
  unverified?: string[];
  /** sha256 of the canonical JSON of this entry without `digest`. */
  digest: string;
}

export interface Catalog {
  formatVersion: 1;
  name: string;
  version: string;
  /** sha256 of the canonical JSON of `types`. */
  digest: string;
  types: ArtifactType[];
}
