// A bounded soak in npm test: the real `serve` command under autocannon, 20 s at 50 connections
// (SOAK_SECONDS for longer), mixing type GETs, 304s, gzip catalogs and classify calls with real
// example manifests. Zero errors, only 200 and 304, every classification right, RSS bounded.
// The 60 s version is `npm run bench -- soak` (scripts/bench/soak.bench.ts).
import { expect, it } from 'vitest';
import { soak, soakTable } from '../../scripts/bench/soak.bench.ts';
import { writeReliabilitySection } from '../reliability-report.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const CONNECTIONS = 50;

it(`soaks ${SECONDS} s at ${CONNECTIONS} connections with no error and bounded memory`, { timeout: (SECONDS + 90) * 1000 }, async () => {
  const result = await soak({ seconds: SECONDS, connections: CONNECTIONS });
  writeReliabilitySection(
    'api-soak',
    `## API: soak (${SECONDS} s at ${CONNECTIONS} connections)\n\nThe real \`artifact-types serve\` (one process, full catalog) under autocannon, mixing GET /v1/types/{id}, GET /v1/catalog with If-None-Match (304), GET /v1/catalog gzip and POST /v1/classify with real example manifests, each answer's type checked. test/reliability/api-soak.test.ts (\`SOAK_SECONDS=60\` for longer; the 60 s run is in docs/BENCHMARKS.md).\n\n${soakTable(result)}\n\nFailures (errors, timeouts, statuses other than 200/304, wrong classifications): ${result.windows.reduce((n, w) => n + w.errors + w.timeouts + w.wrongType + Object.entries(w.statuses).filter(([c]) => c !== '200' && c !== '304').reduce((m, [, k]) => m + k, 0), 0)}.`,
  );
  for (const w of result.windows) {
    expect(w.errors).toBe(0);
    expect(w.timeouts).toBe(0);
    expect(Object.keys(w.statuses).sort()).toEqual(['200', '304']);
    expect(w.wrongType).toBe(0);
    expect(w.requests).toBeGreaterThan(1_000);
  }
  // Generous: a leak of a few hundred bytes per request would pass 64 MiB over ~100,000 requests; this
  // catches whole responses or bodies being kept.
  expect(result.rssAfter - result.rssBefore).toBeLessThan(64);
});
