// The `artifact-types` command. Every file in ./commands registers one sub-command.
import { readdir } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { fail, UsageError } from './io.ts';

const program = new Command('artifact-types')
  .description('The open clearing house for OCI artifact types: check, build, serve and query the catalog.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const dir = new URL('./commands/', import.meta.url);
const files = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
// Each file registers the command it is named after: a run of one command loads only that one (a
// warm `validate` then starts without the server's and registry's modules); help and typos load all.
const named = `${process.argv[2]}.ts`;
for (const file of files.includes(named) ? [named] : files) {
  const module = (await import(new URL(file, dir).href)) as { register(program: Command): void };
  module.register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are not errors; everything else commander rejects is a usage error (exit 2).
    process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2);
  }
  if (error instanceof UsageError) fail(error.message, 2);
  fail(error instanceof Error ? error.message : String(error), 1);
}
