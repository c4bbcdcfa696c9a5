// A bounded soak in npm test: the real `serve` command under autocannon, 20 s at 50 connections
// (SOAK_SECONDS for longer), mixing type GETs, 304s, gzip catalogs and classify calls with real
// example manifests. Zero errors, only 200 and 304, every classification right, RSS bounded.
// The 60 s version is `npm run bench -- soak` (scripts/bench/soak.bench.ts).
import { expect, it } from 'vitest';
import { soak, soakTable } from '../../scripts/bench/soak.bench.ts';
import { Checks, reliabilitySection } from '../reliability-report.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const CONNECTIONS = 50;
const report = reliabilitySection('api-soak', `API: soak (${SECONDS} s at ${CONNECTIONS} connections)`);

it(`soaks ${SECONDS} s at ${CONNECTIONS} connections with no error and bounded memory`, { timeout: (SECONDS + 90) * 1000 }, async () => {
  const result = await soak({ seconds: SECONDS, connections: CONNECTIONS });
  const checks = new Checks();
  result.windows.forEach((w, i) => {
    const window = `window ${i + 1}`;
    const others = Object.entries(w.statuses).filter(([c]) => c !== '200' && c !== '304');
    checks.check(`${window}: no errors`, w.errors === 0, `${w.errors}`);
    checks.check(`${window}: no timeouts`, w.timeouts === 0, `${w.timeouts}`);
    checks.check(`${window}: statuses exactly 200 and 304`, others.length === 0 && '200' in w.statuses && '304' in w.statuses, `saw ${Object.entries(w.statuses).map(([c, n]) => `${c} × ${n}`).join(', ')}`);
    checks.check(`${window}: every classification right`, w.wrongType === 0, `${w.wrongType} wrong`);
    checks.check(`${window}: more than 1,000 requests`, w.requests > 1_000, `${w.requests}`);
  });
  // Generous: a leak of a few hundred bytes per request would pass 64 MiB over ~100,000 requests; this
  // catches whole responses or bodies being kept.
  checks.check('RSS grew less than 64 MiB', result.rssAfter - result.rssBefore < 64, `${(result.rssAfter - result.rssBefore).toFixed(1)} MiB`);
  const failures = result.windows.reduce((n, w) => n + w.errors + w.timeouts + w.wrongType + Object.entries(w.statuses).filter(([c]) => c !== '200' && c !== '304').reduce((m, [, k]) => m + k, 0), 0);
  report.record(
    `The real \`artifact-types serve\` (one process, full catalog) under autocannon, mixing GET /v1/types/{id}, GET /v1/catalog with If-None-Match (304), GET /v1/catalog gzip and POST /v1/classify with real example manifests, each answer's type checked. test/reliability/api-soak.test.ts (\`SOAK_SECONDS=60\` for longer; the 60 s run is in docs/BENCHMARKS.md).\n\n${soakTable(result)}\n\nFailed requests (errors, timeouts, statuses other than 200/304, wrong classifications): ${failures}. ${checks.summary()}`,
  );
  expect(checks.failed).toEqual([]);
});
