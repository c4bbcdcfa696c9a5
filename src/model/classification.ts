// What classification returns: which type a manifest is, how that was decided, and what does not conform.

/** The signal that decided the type, strongest first. */
export type Signal = 'artifactType' | 'config' | 'layer' | 'annotation' | 'configLabel' | 'fallback';

export interface ConformanceFinding {
  code: string;
  severity: 'error' | 'warning';
  /** JSON pointer into the manifest (or `/config…` into the config object). */
  path: string;
  message: string;
}

export interface Classification {
  /** The matched type's id, or null when nothing matched (or the input is not a manifest). */
  id: string | null;
  displayName: string | null;
  signal: Signal | null;
  /** The field and value that matched, e.g. { pointer: '/artifactType', value: '…' }. */
  matched: { pointer: string; value: string } | null;
  kind: 'manifest' | 'index' | null;
  /** The media types seen, so an unknown artifact can still be described. */
  mediaTypes: { manifest: string | null; artifactType: string | null; config: string | null; layers: string[] };
  conformance: ConformanceFinding[];
  /** Every violation of the image-spec (or Docker schema 2) rules; given even when `error` is set. */
  validation: SpecFinding[];
  /** The manifest's own `subject` (the manifest it refers to), when it has a readable one. */
  subject?: { mediaType: string; digest: string };
  /** Set when the index is a referrers list; `id` is then null: a list of referrers is no artifact type. */
  referrersList?: ReferrersList;
  /** Set when the input is not an OCI/Docker manifest or index: which field and why. */
  error?: { pointer: string; message: string };
}

/** A violation of the OCI image-spec (or Docker's manifest spec): MUST rules are errors, SHOULD rules warnings. */
export interface SpecFinding {
  /** The rule, e.g. descriptor-digest, descriptor-size, schema-version, artifact-type-required. */
  code: string;
  severity: 'error' | 'warning';
  /** JSON pointer into the manifest (or `/config…` into the config blob). */
  path: string;
  message: string;
  /** The spec section that states the rule (a pinned URL). */
  spec: string;
}

/** One manifest listed in a referrers list, named by its own artifactType. */
export interface ReferrerEntry {
  /** JSON pointer of the entry, e.g. /manifests/0. */
  pointer: string;
  digest: string | null;
  artifactType: string | null;
  /** The catalog type its artifactType names, or null. */
  id: string | null;
  displayName: string | null;
}

/** An image index that lists the referrers of a subject (distribution-spec 1.1), not a multi-platform image. */
export interface ReferrersList {
  /** How it was recognized: a referrers API answer, a `<alg>-<hex>` tag (the tag schema), or its content. */
  source: 'referrers-api' | 'tag-schema' | 'content';
  /** The subject's digest when known (from the tag or the request). */
  subject: string | null;
  entries: ReferrerEntry[];
}

/** Validates a config object against a type's schema; returns error messages with JSON pointers. */
export type ConfigValidator = (id: string, config: unknown) => Array<{ pointer: string; message: string }> | null;
