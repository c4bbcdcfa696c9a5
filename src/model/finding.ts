// What the checker reports: one problem, where it is, and how to fix it.
export type Severity = 'error' | 'warning';

export interface Finding {
  /** Rule id, `family/name`, e.g. media-type/grammar. */
  rule: string;
  severity: Severity;
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based; 0 when the finding is about the whole file. */
  line: number;
  column: number;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix?: string;
}
