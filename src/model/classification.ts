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
  /** Set when the input is not an OCI/Docker manifest or index: which field and why. */
  error?: { pointer: string; message: string };
}
