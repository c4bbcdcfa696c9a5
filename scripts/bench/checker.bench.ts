// The checker on synthetic catalogs of 10,000 and 20,000 distinct types (scripts/synthetic-catalog.ts):
// wall time and peak memory of a fresh `artifact-types validate` process, the scaling from 10k to 20k,
// and, as the peer, a minimal checker that only reads, parses and schema-validates each definition.json.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticCatalog } from '../synthetic-catalog.ts';
import { median } from './median.ts';

const BIN = path.resolve('bin/artifact-types.js');
const SIZES = (process.env.CHECKER_BENCH_SIZES ?? '10000,20000').split(',').map(Number);
const ROUNDS = 3;

interface Run {
  seconds: number;
  peakMiB: number;
  stdout: string;
  code: number | null;
}

/** Runs a command, sampling the process's peak RSS (VmHWM covers its worker threads too). */
function measure(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peakKiB = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const sample = setInterval(async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (hwm > peakKiB) peakKiB = hwm;
    }, 50);
    child.on('close', (code) => {
      clearInterval(sample);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMiB: peakKiB / 1024, stdout, code });
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

export async function run(): Promise<string> {
  const rows: string[] = [];
  const times = new Map<number, number>();
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
        const report = JSON.parse(ours.stdout) as { findings: Array<{ rule: string }>; types: number };
        // The synthetic repo has no README or CODEOWNERS, so only their drift may be reported.
        const unexpected = report.findings.filter((f) => f.rule !== 'generated/drift');
        if (report.types !== size || unexpected.length > 0) throw new Error(`checker bench: expected ${size} clean types, got ${report.types} types and ${unexpected.length} findings (first: ${JSON.stringify(unexpected[0])})`);
        const peer = await measure(['--input-type=module', '-e', PEER, root]);
        if (peer.stdout.trim() !== '0') throw new Error(`peer found ${peer.stdout.trim()} invalid definitions`);
        ourRuns.push(ours);
        peerRuns.push(peer);
      }
      const seconds = median(ourRuns.map((r) => r.seconds));
      const peerSeconds = median(peerRuns.map((r) => r.seconds));
      const spread = `${Math.min(...ourRuns.map((r) => r.seconds)).toFixed(1)}–${Math.max(...ourRuns.map((r) => r.seconds)).toFixed(1)} s`;
      times.set(size, seconds);
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
`;
}
