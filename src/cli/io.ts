// Small helpers the commands share: clear errors without stack traces, reading files or stdin.
import { readFile } from 'node:fs/promises';

export class UsageError extends Error {}

/** Prints `artifact-types: message` and exits; never a stack trace. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`artifact-types: ${message}\n`);
  process.exit(code);
}

export async function readInput(file: string, what: string, maxBytes = 4 * 1024 * 1024): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) fail(`${what} on standard input is larger than ${maxBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    const text = await readFile(file, 'utf8');
    if (Buffer.byteLength(text) > maxBytes) fail(`${what} ${file} is larger than ${maxBytes} bytes`);
    return text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `${what} ${file} does not exist` : `cannot read ${what} ${file}: ${code ?? (error as Error).message}`);
  }
}

/** Parses JSON from a file or stdin, naming the file and line:column when it is not JSON. */
export async function readJsonInput(file: string, what: string): Promise<unknown> {
  const text = await readInput(file, what);
  const { parseJsonText } = await import('./json-text.ts');
  const parsed = parseJsonText(text, file, what);
  if (!parsed.ok) fail(parsed.message);
  return parsed.value;
}
