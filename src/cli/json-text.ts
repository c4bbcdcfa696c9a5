// JSON input as the CLIs read it: strict (duplicate and prototype keys rejected, like the API) and
// with file:line:column in the error. Shared by the repository CLI and the package's bin.
import { parseJsonSource } from '../catalog/json-source.ts';

export type JsonText = { ok: true; value: unknown } | { ok: false; message: string };

/** `what` names the input in the message ("manifest", "config"); `file` is the path, or - for stdin. */
export function parseJsonText(text: string, file: string, what: string): JsonText {
  const parsed = parseJsonSource({ file: file === '-' ? '<stdin>' : file, text });
  const problem = parsed.findings[0];
  if (!parsed.ok || problem) return { ok: false, message: `${what} ${problem!.file}:${problem!.line}:${problem!.column}: ${problem!.message}` };
  return { ok: true, value: parsed.source.value };
}
