// The GitHub workflows and forms: they parse, every npm script and file they run exists, and they
// keep the security rules (pinned actions, least privilege, no PR strings in scripts, no PR code
// in privileged runs). GitHub itself is not needed for any of this.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = path.resolve(import.meta.dirname, '../..');
const workflowsDir = path.join(repo, '.github/workflows');
const scripts = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string }
interface Job { permissions?: Record<string, string> | string; 'timeout-minutes'?: number; steps: Step[]; if?: string; needs?: string | string[] }
interface Workflow { name: string; on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> }

const files = readdirSync(workflowsDir).filter((f) => f.endsWith('.yml')).sort();
const workflows = new Map(files.map((f) => [f, parse(readFileSync(path.join(workflowsDir, f), 'utf8'), { uniqueKeys: true, strict: true }) as Workflow]));
const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps);

/** `npm run [-s|--silent] <name>`, `npm test`, `npm <script>` calls and `node [--import tsx] <file>` in a run block. */
function commandsIn(run: string): { npmScripts: string[]; files: string[] } {
  const npmScripts = [...run.matchAll(/\bnpm\s+run\s+(?:(?:-s|--silent)\s+)?([\w:.-]+)/g)].map((m) => m[1]!);
  if (/\bnpm\s+test\b/.test(run)) npmScripts.push('test');
  const files = [...run.matchAll(/\bnode\s+((?:--[\w-]+(?:[ =][\w./-]+)?\s+)*)([\w./-]+\.(?:ts|js|mjs))/g)].map((m) => m[2]!);
  return { npmScripts, files };
}

describe('workflow files', () => {
  it('include validate, pr-comment, release, sources-drift and checker-cache, each valid YAML with jobs', () => {
    expect(files).toEqual(['checker-cache.yml', 'pr-comment.yml', 'release.yml', 'sources-drift.yml', 'validate.yml']);
    for (const [file, wf] of workflows) {
      expect(wf.name, file).toBeTruthy();
      expect(Object.keys(wf.jobs).length, file).toBeGreaterThan(0);
    }
  });

  it('call only npm scripts and files that exist', () => {
    let calls = 0;
    for (const [file, wf] of workflows) {
      for (const step of allSteps(wf)) {
        if (!step.run) continue;
        const { npmScripts, files: called } = commandsIn(step.run);
        for (const name of npmScripts) expect(scripts[name], `${file}: npm run ${name}`).toBeDefined();
        for (const f of called) expect(existsSync(path.join(repo, f)), `${file}: node ${f}`).toBe(true);
        calls += npmScripts.length + called.length;
      }
    }
    expect(calls).toBeGreaterThanOrEqual(8);
  });

  it('the command extractor sees what it should (so the test above can fail)', () => {
    expect(commandsIn('npm run --silent changes -- a b\nnpm test\nnode --import tsx scripts/x.ts "$A"\nnode bin/artifact-types.js validate')).toEqual({ npmScripts: ['changes', 'test'], files: ['scripts/x.ts', 'bin/artifact-types.js'] });
  });

  it('pin every action by a full commit SHA', () => {
    for (const [file, wf] of workflows) {
      for (const step of allSteps(wf).filter((s) => s.uses)) expect(step.uses, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });

  it('set timeout-minutes on every job and persist-credentials: false on every checkout', () => {
    for (const [file, wf] of workflows) {
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job['timeout-minutes'], `${file} ${name}`).toBeGreaterThan(0);
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(step.with?.['persist-credentials'], `${file} ${name}`).toBe(false);
      }
    }
  });

  it('never put ${{ }} expressions inside run: scripts (values go through env:)', () => {
    for (const [file, wf] of workflows) for (const step of allSteps(wf)) if (step.run) expect(step.run, `${file}: ${step.name}`).not.toContain('${{');
  });

  it('run PR code only under pull_request with a read-only token', () => {
    const validate = workflows.get('validate.yml')!;
    expect(Object.keys(validate.on)).toEqual(['pull_request']);
    expect(validate.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(validate.jobs)) expect(job.permissions).toBeUndefined();
    for (const wf of workflows.values()) expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    const run = allSteps(validate).map((s) => s.run ?? '').join('\n');
    expect(run).toMatch(/validate --format github --base "\$BASE_SHA"/);
    expect(run).toContain('npm run build');
    expect(run).toContain('npm test');
    expect(allSteps(validate).some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'pr-report')).toBe(true);
  });

  it('post the comment from workflow_run with only the permissions it needs, never checking out the PR', () => {
    const wf = workflows.get('pr-comment.yml')!;
    expect(wf.on).toEqual({ workflow_run: { workflows: ['validate'], types: ['completed'] } });
    expect(wf.permissions).toEqual({});
    const job = Object.values(wf.jobs)[0]!;
    expect(job.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
      expect(step.with?.ref).toBeUndefined(); // the default branch, never the PR head
      expect(step.with?.repository).toBeUndefined();
    }
    const download = job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ name: 'pr-report', 'run-id': '${{ github.event.workflow_run.id }}' });
    expect(String(download.with!.path)).toContain('runner.temp'); // outside the workspace: cannot overwrite our scripts
    expect(job.steps.map((s) => s.run ?? '').join('\n')).toContain('scripts/github/post-pr-report.ts');
  });

  it("seed the checker's cache from main, under the key prefix pull requests restore from", () => {
    const seed = workflows.get('checker-cache.yml')!;
    expect(Object.keys(seed.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect((seed.on as { push: { branches: string[] } }).push.branches).toEqual(['main']);
    expect(seed.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(seed.jobs)) expect(job.permissions).toBeUndefined();
    const cacheStep = (file: string) => allSteps(workflows.get(file)!).find((s) => s.uses?.startsWith('actions/cache@'))!;
    const main = cacheStep('checker-cache.yml').with!;
    const pr = cacheStep('validate.yml').with!;
    expect(main.path).toBe('.cache/checker.json');
    expect(pr.path).toBe(main.path);
    // A pull request's restore-keys prefix matches main's saved keys (GitHub falls back to the default branch's caches).
    expect(String(main.key).startsWith(String(pr['restore-keys']))).toBe(true);
    expect(allSteps(seed).map((s) => s.run ?? '').join('\n')).toMatch(/validate .*--cache \.cache\/checker\.json/);
  });

  it('restore no dependency cache in the privileged workflows', () => {
    for (const file of ['pr-comment.yml', 'release.yml', 'sources-drift.yml']) {
      for (const step of allSteps(workflows.get(file)!)) expect(step.with?.cache, `${file}: ${step.name}`).toBeUndefined();
    }
  });

  it('after a merge, regenerates the catalog version and generated files, and commits only those', () => {
    const wf = workflows.get('release.yml')!;
    const job = wf.jobs.regenerate!;
    expect(job.permissions).toEqual({ contents: 'write' });
    const run = job.steps.map((s) => s.run ?? '').join('\n');
    expect(run).toMatch(/changes -- "\$RUNNER_TEMP\/previous\/catalog\.json" "\$RUNNER_TEMP\/merged\/catalog\.json" --write-version definitions\/catalog\.json/);
    expect(run).toContain('npm run build');
    expect(run).toContain('validate --generated');
    expect(run).toContain('git add definitions/catalog.json README.md CODEOWNERS docs/coverage.md');
    expect(wf.jobs.release!).toMatchObject({ needs: 'regenerate' });
    expect(wf.jobs.release!.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toMatchObject({ ref: '${{ needs.regenerate.outputs.sha }}' });
  });

  it('install tools only at an exact version (a job holding id-token or contents: write must not take whatever a range resolves to)', () => {
    const installs = files.flatMap((file) => allSteps(workflows.get(file)!).flatMap((step) => [...(step.run ?? '').matchAll(/\b(?:npm\s+(?:install|i|add)\s+(?:--global|-g)|npx(?:\s+--yes|\s+-y)?)\s+(\S+)/g)].map((m) => `${file}: ${m[1]}`)));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/: (?:@[\w.-]+\/)?[\w.-]+@\d+\.\d+\.\d+$/);
  });

  it('release publishes with provenance only when the digest changed, and attaches catalog.json and notes', () => {
    const wf = workflows.get('release.yml')!;
    expect(wf.on).toMatchObject({ push: { branches: ['main'], paths: ['definitions/**'] } });
    const job = wf.jobs.release!;
    expect(job.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    const publish = job.steps.find((s) => s.run?.includes('npm publish'))!;
    expect(publish.run).toContain('npm publish dist/package --provenance');
    expect(publish.if).toContain("digest-changed == 'true'");
    const release = job.steps.find((s) => s.run?.includes('gh release create'))!;
    expect(release.run).toContain('dist/catalog.json');
    expect(release.run).toContain('--notes-file "$RUNNER_TEMP/release-notes.md"');
    expect(release.if).toContain("digest-changed == 'true'");
    expect(job.steps.map((s) => s.run ?? '').join('\n')).toMatch(/npm run --silent changes -- .* --require-bump/);
  });
});

describe('the drift watch', () => {
  it('runs weekly and on demand with read-only contents and issues: write, keeping issues from the JSON report', () => {
    const wf = workflows.get('sources-drift.yml')!;
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((wf.on.schedule as Array<{ cron: string }>)[0]!.cron).toMatch(/^\S+ \S+ \* \* [0-6]$/); // once a week
    expect(wf.permissions).toEqual({ contents: 'read', issues: 'write' });
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toBeUndefined();
    const run = allSteps(wf).map((s) => s.run ?? '').join('\n');
    expect(run).toMatch(/node bin\/artifact-types\.js sources check --format json > "\$RUNNER_TEMP\/drift\.json"/);
    expect(run).toContain('scripts/github/keep-drift-issues.ts "$RUNNER_TEMP/drift.json"');
    // Only our own code runs: no upstream checkout, no script from the report.
    for (const step of allSteps(wf).filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(step.with?.repository).toBeUndefined();
  });

  it('the pull-request check holds the changed types against upstream, or says it has no token', () => {
    const step = allSteps(workflows.get('validate.yml')!).find((s) => s.run?.includes('sources check'))!;
    expect(step.run).toMatch(/sources check --format github \$ids/);
    expect(step.run).toMatch(/no GITHUB_TOKEN/);
    expect(step.env).toEqual({ GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
  });
});

describe('issue form and PR template', () => {
  const form = parse(readFileSync(path.join(repo, '.github/ISSUE_TEMPLATE/new-artifact-type.yml'), 'utf8'), { uniqueKeys: true, strict: true }) as { name: string; body: Array<{ type: string; id?: string; validations?: { required?: boolean } }> };
  const schema = JSON.parse(readFileSync(path.join(repo, 'schemas/definition.schema.json'), 'utf8')) as { required: string[]; properties: Record<string, unknown> };

  it('asks for every field of the definition an author has to supply', () => {
    const ids = new Set(form.body.map((b) => b.id).filter(Boolean));
    // Fields the scaffold fills by itself: the schema link, the first version, status, the logo file name.
    const automatic = new Set(['$schema', 'version', 'status', 'logo']);
    for (const field of schema.required.filter((f) => !automatic.has(f))) expect(ids, field).toContain(field);
    // …and asks for nothing the definition does not hold (besides the example, the config and the final checks).
    const extra = [...ids].filter((id) => !(id! in schema.properties) && !['example', 'annotations', 'checks'].includes(id!));
    expect(extra).toEqual([]);
  });

  it('has unique ids and a PR template that points at the scaffold and versioning', () => {
    const ids = form.body.map((b) => b.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    const template = readFileSync(path.join(repo, '.github/PULL_REQUEST_TEMPLATE.md'), 'utf8');
    expect(template).toContain('artifact-types.js new <id>');
    expect(template).toContain('VERSIONING.md');
  });
});
