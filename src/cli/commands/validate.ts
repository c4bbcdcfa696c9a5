// `artifact-types validate [paths…]`: the checker CI runs on every pull request.
import { readFile, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { onChangedLines, readChangedLines } from '../../checks/changed-lines.ts';
import { runChecks } from '../../checks/run.ts';
import { optimizeSvg } from '../../checks/svgo-config.ts';
import { formatGithub, formatSummaryTable, type GithubOptions } from '../../report/github.ts';
import { formatJson } from '../../report/json.ts';
import { formatText, summarize } from '../../report/text.ts';
import { fail } from '../io.ts';
import { defaultBase } from '../../checks/default-base.ts';

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check definitions and print findings. Exit 0 clean, 1 errors, 2 usage error.')
    .argument('[paths...]', 'definition folders to report on (catalog-wide rules still see every type)')
    .option('--root <dir>', 'the definitions directory', 'definitions')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--base <git-ref>', 'compare versions with this git ref (changed types must bump their version); with --format github, annotate only lines changed since it. Default: where this branch left origin/main (or main), so a local run checks the version bumps CI will', )
    .option('--no-base', 'do not compare versions with any ref')
    .option('--fix', 'rewrite logos with the project svgo config')
    .option('--generated', 'also judge the generated files (README table, CODEOWNERS, docs/coverage.md) against the catalog: for the default branch, where they are regenerated after each merge')
    .option('--workers <n>', 'worker threads for per-type rules (0: none; default: one per core for large catalogs)', (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number');
      return Number(v);
    })
    .option('--cache <file>', 'keep each folder\'s per-type findings in this file, keyed by the folder\'s content and the checker\'s version, so a repeated run checks only the folders that changed (the findings are the same as without it)')
    .option('--summary <file>', 'also append a Markdown findings table to this file (defaults to $GITHUB_STEP_SUMMARY with --format github)')
    .action(async (paths: string[], options: { root: string; format: string; base?: string | false; fix?: boolean; summary?: string; workers?: number; generated?: boolean; cache?: string }) => {
      const root = path.resolve(options.root);
      const exists = await readFile(path.join(root, 'catalog.json')).then(() => true, () => false);
      if (!exists) fail(`--root ${options.root} is not a definitions directory (no catalog.json in it)`, 2);
      // commander sets base to false for --no-base, leaves it undefined when not given.
      const base = options.base === false ? undefined : (options.base ?? (await defaultBase(path.dirname(root))));
      let result = await runChecks({ root, paths, base, workers: options.workers, generated: options.generated, cache: options.cache });
      if (options.fix) {
        const fixable = result.findings.filter((f) => f.rule === 'logo/not-optimized');
        for (const finding of fixable) {
          const text = await readFile(finding.file, 'utf8');
          await writeFile(finding.file, optimizeSvg(text));
          process.stderr.write(`fixed ${finding.file}\n`);
        }
        if (fixable.length > 0) result = await runChecks({ root, paths, base, workers: options.workers, generated: options.generated, cache: options.cache });
      }
      const { findings, reported } = result;
      // For the benchmark (scripts/bench/checker.bench.ts): where the time of this run went.
      if (process.env.ARTIFACT_TYPES_TIMINGS === '1') process.stderr.write(`timings ${JSON.stringify({ timings: result.timings, cache: result.cache })}\n`);
      if (result.cache?.ignored) process.stderr.write(`note: --cache ${options.cache} ${result.cache.ignored}; it was ignored and will be rewritten\n`);
      if (result.cache?.unsaved) process.stderr.write(`note: could not write --cache ${options.cache} (${result.cache.unsaved}); the findings are complete, only the next run will not be faster\n`);
      const summaryFile = options.summary ?? (options.format === 'github' ? process.env.GITHUB_STEP_SUMMARY : undefined);
      const github: GithubOptions = {};
      if (options.format === 'github' && typeof options.base === 'string') {
        // Annotate only what changed since the base; the summary table and the exit code still cover every finding.
        try {
          // The repository root as runChecks takes it (the version rule diffs against the same one).
          const changes = await readChangedLines(path.dirname(root), root, options.base);
          // null: the base is not a commit here, which version/base reports; annotate everything then.
          if (changes) github.annotate = onChangedLines(changes);
        } catch (error) {
          github.problem = `could not read the lines changed since ${options.base} (${(error as Error).message.split('\n')[0]}), so every finding is annotated`;
        }
        github.listedIn = options.summary ? `${options.summary} lists every finding` : summaryFile ? 'the job summary lists every finding' : '`artifact-types validate --format text` lists every finding';
      }
      const output = options.format === 'json' ? formatJson(findings, reported) : options.format === 'github' ? formatGithub(findings, github) : formatText(findings, reported);
      process.stdout.write(output);
      if (summaryFile) await appendFile(summaryFile, formatSummaryTable(findings));
      process.exitCode = summarize(findings).errors > 0 ? 1 : 0;
    });
}
