// The checker on synthetic catalogs of 10,000 and 20,000 distinct types (scripts/synthetic-catalog.ts):
// wall time and peak memory of a fresh `artifact-types validate` process, the scaling from 10k to 20k,
// and, as the peer, a minimal checker that only reads, parses and schema-validates each definition.json.
// Then, on the first size, a pull request's case: one folder changed, checked with a warm --cache.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticCatalog, writeSyntheticType } from '../synthetic-catalog.ts';
import { median } from './median.ts';

const BIN = path.resolve('bin/artifact-types.js');
const SIZES = (process.env.CHECKER_BENCH_SIZES ?? '10000,20000').split(',').map(Number);
const ROUNDS = 3;

interface Run {
  seconds: number;
  peakMiB: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a command, sampling the process's peak RSS (VmHWM covers its worker threads too). */
function measure(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    let peakKiB = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    const sample = setInterval(async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (hwm > peakKiB) peakKiB = hwm;
    }, 50);
    child.on('close', (code) => {
      clearInterval(sample);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMiB: peakKiB / 1024, stdout, stderr, code });
    });
  });
}

const PEER = `
import { readdir, readFile } from 'node:fs/promises';
import Ajv from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
const root = process.argv[1];
const ajv = new Ajv.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(await readFile('schemas/definition.schema.json', 'utf8')));
let invalid = 0;
for (const id of await readdir(root)) {
  if (id === 'catalog.json') continue;
  if (!validate(JSON.parse(await readFile(root + '/' + id + '/definition.json', 'utf8')))) invalid++;
}
console.log(invalid);
`;

/** Throws unless a run reported `size` types and no finding but the synthetic repo's generated/drift. */
function expectClean(run: Run, size: number, what: string): void {
  const report = JSON.parse(run.stdout) as { findings: Array<{ rule: string }>; types: number };
  const unexpected = report.findings.filter((f) => f.rule !== 'generated/drift');
  if (report.types !== size || unexpected.length > 0) throw new Error(`checker bench (${what}): expected ${size} clean types, got ${report.types} types and ${unexpected.length} findings (first: ${JSON.stringify(unexpected[0])})`);
}

interface Timed {
  timings: Record<string, number>;
  cache?: { hits: number; misses: number };
}

/** The phase times validate prints with ARTIFACT_TYPES_TIMINGS=1. */
function timingsOf(run: Run): Timed {
  const line = run.stderr.split('\n').find((l) => l.startsWith('timings '));
  if (!line) throw new Error('checker bench: validate printed no timings');
  return JSON.parse(line.slice('timings '.length)) as Timed;
}

interface Warm {
  /** One folder edited (displayName and version), each round another. */
  edit: Run[];
  /** One new type folder added, each round another. */
  add: Run[];
  phases: Timed[];
}

/**
 * A pull request's case: the catalog checked once with --cache, then ROUNDS times a different folder
 * changed (its displayName edited, its version bumped), and ROUNDS times a new type folder added,
 * each committed as a pull request's push is, and checked again with the warm cache.
 */
async function warmCache(root: string, size: number, dir: string): Promise<Warm> {
  const cache = path.join(dir, 'checker-cache.json');
  const args = [BIN, 'validate', '--format', 'json', '--root', root, '--cache', cache];
  const env = { ...process.env, ARTIFACT_TYPES_TIMINGS: '1' };
  // A git work tree, as in CI: each round's change is committed, as a pull request's push is.
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@localhost', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@localhost' } });
  git('init', '-q');
  git('add', '-A', 'definitions');
  git('commit', '-qm', 'synthetic catalog');
  console.error(`checker bench: priming the cache on ${size} types`);
  expectClean(await measure(args, env), size, 'priming the cache');
  const warm: Warm = { edit: [], add: [], phases: [] };
  const check = async (types: number, what: string): Promise<Run> => {
    const run = await measure(args, env);
    expectClean(run, types, what);
    const timed = timingsOf(run);
    if (timed.cache?.misses !== 1) throw new Error(`checker bench (${what}): expected exactly the changed folder to miss the cache, got ${JSON.stringify(timed.cache)}`);
    warm.phases.push(timed);
    return run;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const id = `synthetic.org0.type${round + 1}`;
    const file = path.join(root, id, 'definition.json');
    const definition = JSON.parse(await readFile(file, 'utf8')) as { displayName: string; version: string };
    definition.displayName += ' (changed)';
    definition.version = '1.0.1';
    await writeFile(file, `${JSON.stringify(definition, null, 2)}\n`);
    git('commit', '-qam', `change ${id}`);
    warm.edit.push(await check(size, 'one folder edited, warm cache'));
  }
  for (let round = 0; round < ROUNDS; round++) {
    const id = await writeSyntheticType(root, size + round);
    git('add', '-A', 'definitions');
    git('commit', '-qm', `add ${id}`);
    warm.add.push(await check(size + round + 1, 'one folder added, warm cache'));
  }
  return warm;
}

/** A table of the median milliseconds per phase over the runs. */
function phaseTable(phases: Timed[]): string {
  const names = [...new Set(phases.flatMap((p) => Object.keys(p.timings)))];
  return names.map((name) => `| ${name} | ${median(phases.map((p) => p.timings[name] ?? 0)).toFixed(0)} ms |`).join('\n');
}

export async function run(): Promise<string> {
  const rows: string[] = [];
  const times = new Map<number, number>();
  let warm: ({ size: number; cold: number } & Warm) | undefined;
  for (const size of SIZES) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'checker-bench-'));
    const root = path.join(dir, 'definitions');
    try {
      console.error(`checker bench: writing ${size} synthetic types`);
      await writeSyntheticCatalog(root, size);
      // This machine's speed drifts from minute to minute: each cell is the median of ROUNDS runs,
      // ours and the peer's taking turns, and the spread of ours is shown with it.
      const ourRuns: Run[] = [];
      const peerRuns: Run[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const ours = await measure([BIN, 'validate', '--format', 'json', '--root', root]);
        // The synthetic repo has no README or CODEOWNERS, so only their drift may be reported.
        expectClean(ours, size, 'cold');
        const peer = await measure(['--input-type=module', '-e', PEER, root]);
        if (peer.stdout.trim() !== '0') throw new Error(`peer found ${peer.stdout.trim()} invalid definitions`);
        ourRuns.push(ours);
        peerRuns.push(peer);
      }
      const seconds = median(ourRuns.map((r) => r.seconds));
      const peerSeconds = median(peerRuns.map((r) => r.seconds));
      const spread = `${Math.min(...ourRuns.map((r) => r.seconds)).toFixed(1)}–${Math.max(...ourRuns.map((r) => r.seconds)).toFixed(1)} s`;
      times.set(size, seconds);
      if (size === SIZES[0]) warm = { size, cold: seconds, ...(await warmCache(root, size, dir)) };
      rows.push(`| ${size.toLocaleString('en')} | ${seconds.toFixed(1)} s | ${spread} | ${((seconds / size) * 1000).toFixed(2)} ms | ${Math.max(...ourRuns.map((r) => r.peakMiB)).toFixed(0)} MiB | ${peerSeconds.toFixed(1)} s | ${(seconds / peerSeconds).toFixed(1)}× |`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const [small, large] = SIZES;
  const scaling = small && large && times.has(small) && times.has(large) ? `Going from ${small.toLocaleString('en')} to ${large.toLocaleString('en')} types multiplied the time by **${(times.get(large)! / times.get(small)!).toFixed(2)}** (linear would be ${(large / small).toFixed(2)}).` : '';
  const target = times.get(10000);
  return `## Checker: validating a synthetic catalog

\`artifact-types validate\` (every rule: schema, media types, logos with svgo, config schemas compiled by ajv with every regex checked by recheck, docs, examples validated and classified, catalog-wide uniqueness) in a fresh process on synthetic catalogs (\`scripts/synthetic-catalog.ts\`), where every type has its own media types, logo drawing, config schema with its own regex, and examples, so no cache can help. Worker threads: one per core (the default). Peak memory is the process's VmHWM (includes worker threads), the highest of the runs.

The peer is the least any checker must do: read, \`JSON.parse\` and ajv-validate each \`definition.json\` (one thread).

Times are medians of ${ROUNDS} runs; the range is ours over those runs.

| Types | Our checker | Range | Per type | Peak RSS | Peer (schema only) | Ratio |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${scaling}
Target: 10,000 types in under 20 s: ${target === undefined ? 'not measured' : target < 20 ? `**met** (${target.toFixed(1)} s)` : `**not met** (${target.toFixed(1)} s)`}.
${warm ? warmSection(warm) : ''}`;
}

function warmSection(warm: { size: number; cold: number } & Warm): string {
  const row = (what: string, runs: Run[]) => {
    const seconds = median(runs.map((r) => r.seconds));
    return { seconds, text: `| ${what} | ${seconds.toFixed(2)} s | ${Math.min(...runs.map((r) => r.seconds)).toFixed(2)}–${Math.max(...runs.map((r) => r.seconds)).toFixed(2)} s | ${Math.max(...runs.map((r) => r.peakMiB)).toFixed(0)} MiB | ${(warm.cold / seconds).toFixed(0)}× faster |` };
  };
  const edit = row('One folder edited (displayName, version)', warm.edit);
  const add = row('One type folder added', warm.add);
  const worst = Math.max(edit.seconds, add.seconds);
  const verdict = warm.size !== 10000 ? 'not measured (the catalog was not 10,000 types)' : worst < 2 ? `**met** (slower case ${worst.toFixed(2)} s)` : `**not met** (slower case ${worst.toFixed(2)} s)`;
  return `
## Checker: one folder changed, warm cache

A pull request's case: \`artifact-types validate --cache <file>\` (a fresh process, as in CI) on the same ${warm.size.toLocaleString('en')}-type catalog in a git work tree, after one run filled the cache. Each round changes one folder and commits it, as a pull request's push does: ${ROUNDS} rounds each edit another folder, then ${ROUNDS} rounds each add a new type folder. Only the changed folder is read and checked by the definition rules; git vouches for the others (tracked, unmodified: their blob ids key the cache), and the cache holds each folder's summary (the strings it claims and its examples contain) and its catalog-wide findings under a hash of the folders sharing those strings, so the catalog-wide rules (uniqueness, classification) run again only for the folders related to the change. Median of ${ROUNDS} runs each; peak RSS is the highest.

| Change | Warm check | Range | Peak RSS | vs. cold full check (${warm.cold.toFixed(1)} s) |
| --- | --- | --- | --- | --- |
${edit.text}
${add.text}

Target: one folder changed in a 10,000-type catalog in under 2 s: ${verdict}.

The machine was shared while measuring (load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores at the end): absolute times may be inflated.

Where the time of a warm run goes inside the checker (\`ARTIFACT_TYPES_TIMINGS=1\`, median per phase over all ${warm.phases.length} warm runs; the rest of the wall time is starting Node and loading the checker):

| Phase | Time |
| --- | --- |
${phaseTable(warm.phases)}
`;
}
