// The package's command, `artifact-types classify|get|lookup`, with no dependencies: node:util
// parseArgs for the arguments, the package's own index.js for the catalog and the classifier, and
// the repository CLI's output and JSON modules (src/cli/query-output.ts, json-text.ts) bundled in,
// so both commands print the same thing and give the same exit code.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { classify, getType, typesForMediaType, version } from './index.ts';
import { parseJsonText } from '../../../src/cli/json-text.ts';
import { classifyOutput, EXIT, getOutput, lookupOutput, OUTPUT_FORMATS, type OutputFormat, type QueryOutput } from '../../../src/cli/query-output.ts';

const MAX_INPUT = 4 * 1024 * 1024;
const USAGE = `Usage: artifact-types <command> [options]

Commands:
  classify <manifest.json|->   which artifact type a manifest (or index) is; - reads standard input
      --config <file>           the config blob, to check config labels and the config schema
  get <id>                     one artifact type, by id or former id
  lookup <media-type>          every type that uses a media type, and in which role

Options:
  --format json|text           output format (default json)
  --help, --version

Exit codes: 0 a known type, 1 an unknown type or a spec violation, 2 usage.
The catalog is the one this package carries (${version}); ls, push and pull are in the repository's CLI.
`;

class UsageError extends Error {}

function readInput(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${what} ${file} does not exist` : `cannot read ${what} ${file === '-' ? 'from standard input' : file}: ${code ?? (error as Error).message}`);
  }
  if (bytes.length > MAX_INPUT) throw new Error(`${what} ${file === '-' ? 'on standard input' : file} is larger than ${MAX_INPUT} bytes`);
  return bytes.toString('utf8');
}

function readJson(file: string, what: string): unknown {
  const parsed = parseJsonText(readInput(file, what), file, what);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function run(argv: string[]): QueryOutput {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { format: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { text: USAGE, exitCode: EXIT.ok };
  if (values.version) return { text: `${version}\n`, exitCode: EXIT.ok };
  const format = (values.format ?? 'json') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be ${OUTPUT_FORMATS.join(' or ')}, not ${values.format}`);
  const [command, ...args] = positionals;
  const one = (name: string) => {
    if (args.length !== 1) throw new UsageError(`${command} takes exactly one ${name}`);
    return args[0]!;
  };
  if (values.config !== undefined && command !== 'classify') throw new UsageError('--config only goes with classify');
  switch (command) {
    case 'classify': {
      const manifest = readJson(one('manifest file (or - for standard input)'), 'manifest');
      const config = values.config === undefined ? undefined : readJson(values.config, 'config');
      return classifyOutput(classify(manifest, { config }), format);
    }
    case 'get': {
      const id = one('type id');
      return getOutput(id, getType(id), format);
    }
    case 'lookup': {
      const mediaType = one('media type');
      return lookupOutput(mediaType, typesForMediaType(mediaType), format);
    }
    case 'ls': case 'push': case 'pull':
      throw new UsageError(`${command} is in the artifact-types repository's CLI, not in this package`);
    case undefined:
      throw new UsageError('a command is needed: classify, get or lookup');
    default:
      throw new UsageError(`unknown command ${command}; the commands are classify, get and lookup`);
  }
}

try {
  const output = run(process.argv.slice(2));
  process.stdout.write(output.text);
  process.exitCode = output.exitCode;
} catch (error) {
  const usage = error instanceof UsageError;
  process.stderr.write(`artifact-types: ${(error as Error).message}\n${usage ? '(run with --help for usage)\n' : ''}`);
  process.exitCode = usage ? EXIT.usage : EXIT.unknown;
}
