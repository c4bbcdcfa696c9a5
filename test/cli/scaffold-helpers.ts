// The real CLI as a contributor runs it, and an author's way of filling in what `new` leaves as
// placeholders: shared by the scaffold tests and the two-branch merge test.
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(repo, 'bin/artifact-types.js');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; a non-zero exit is a result, not a throw. */
export async function exec(file: string, args: string[], cwd: string): Promise<Result> {
  try {
    // stdin is not a terminal here, so `new` must never prompt.
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 60_000, env: { ...process.env, npm_config_update_notifier: 'false', GITHUB_STEP_SUMMARY: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export const cli = (args: string[], cwd = repo, binary = bin): Promise<Result> => exec(process.execPath, [binary, ...args], cwd);

/** Replaces every placeholder the scaffold of `<vendor>.<thing>` leaves, the way an author would. */
export async function fillPlaceholders(dir: string, id: string): Promise<void> {
  const [vendor, ...rest] = id.split('.');
  const thing = rest.join('.');
  const artifactType = `application/vnd.${vendor}.${thing}.v1`;
  const layer = `application/vnd.${vendor}.${thing}.layer.v1.tar+gzip`;
  const fill = (text: string) =>
    text
      .replace(/"TODO: the manifest artifactType[^"]*"/g, JSON.stringify(artifactType))
      .replace(/"TODO: the layer media type[^"]*"/g, JSON.stringify(layer))
      .replace(/"TODO: say in one sentence[^"]*"/, `"A ${thing} bundle pushed by the ${vendor} CLI."`)
      .replace(/"TODO: what the blob holds[^"]*"/, `"The ${thing} files as a gzipped tar."`)
      .replace(/"TODO: https:\/\/… the project's home page"/, `"https://${vendor}.example"`)
      .replace(/"TODO: https:\/\/… the project's docs[^"]*"/, `"https://${vendor}.example/docs/oci"`)
      .replace(/"TODO: https:\/\/… the tool's docs"/, `"https://${vendor}.example/cli"`)
      .replace(/"TODO: the real pull command[^"]*"/, `"${vendor} pull {registry}/{repository}:{tag}"`)
      .replace(/"TODO: the real push command[^"]*"/, `"${vendor} push {registry}/{repository}:{tag}"`)
      .replace(/"TODO: https:\/\/github\.com\/<owner>[^"]*"/g, `"https://github.com/${vendor}/${vendor}-cli/blob/0123456789abcdef0123456789abcdef01234567/pkg/oci/push.go#L42"`)
      .replace(/"TODO: the tool and versions that push exactly[^"]*"/, `"${vendor} push 1.0 and later"`)
      .replace(/"TODO: the tool and versions that write the config media type[^"]*"/, `"${vendor} push 0.9 (before it set artifactType)"`);
  const examples = (await readdir(path.join(dir, 'examples'))).filter((f) => f.endsWith('.manifest.json')).map((f) => `examples/${f}`);
  for (const file of ['definition.json', ...examples]) {
    const text = await readFile(path.join(dir, file), 'utf8');
    await writeFile(path.join(dir, file), fill(text));
  }
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  await writeFile(path.join(dir, 'README.md'), readme.replace(/^# TODO:.*$/m, `summary: "A ${thing} bundle that the ${vendor} CLI pushes to OCI registries."`).replace(/TODO: /g, ''));
  for (const file of ['definition.json', 'README.md', ...examples]) {
    expect(await readFile(path.join(dir, file), 'utf8')).not.toContain('TODO');
  }
}

