// A few Prometheus counters in the text exposition format (version 0.0.4). Per process: with
// several workers each answers for itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

export class Metrics {
  private requests = new Map<string, number>();
  reloads = { ok: 0, failed: 0 };
  inFlight = 0;
  /** Requests answered by the fast lane (see fast-lane.ts). */
  fastLane = 0;
  private readonly started = Date.now();

  /** Counts each finished request by method, route pattern (never the raw path) and status. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      this.track(req, res);
      next();
    };
  }

  /**
   * Counts an answer already written (the fast lane knows its status at once): no listener, no
   * closure, and the label string is built once per method, route and status.
   */
  countWritten(method: string | undefined, route: string, status: number): void {
    const m = method === 'HEAD' || method === 'GET' || method === 'POST' ? method : 'OTHER';
    let byStatus = this.written.get(m + route);
    if (!byStatus) this.written.set(m + route, (byStatus = new Map()));
    const counter = byStatus.get(status);
    if (counter) counter.n++;
    else {
      const key = `method="${m}",route="${route}",status="${status}"`;
      const shared = { key, n: 1 };
      byStatus.set(status, shared);
      this.counters.push(shared);
    }
  }

  private written = new Map<string, Map<number, { key: string; n: number }>>();
  private counters: Array<{ key: string; n: number }> = [];

  /** `route` names the pattern when no express route does (the fast lane). */
  track(req: IncomingMessage & { route?: { path?: unknown } }, res: ServerResponse, route?: string): void {
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      const pattern = route ?? (req.route?.path as string | undefined) ?? 'unmatched';
      const method = req.method === 'HEAD' || req.method === 'GET' || req.method === 'POST' ? req.method : 'OTHER';
      const key = `method="${method}",route="${pattern}",status="${res.statusCode}"`;
      this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    });
  }

  /** Both counters summed by label set (a route may be answered by either lane). */
  private totals(): Map<string, number> {
    const totals = new Map(this.requests);
    for (const { key, n } of this.counters) totals.set(key, (totals.get(key) ?? 0) + n);
    return totals;
  }

  render(catalog: { types: number; version: string; digest: string }): string {
    const lines = [
      '# HELP artifact_types_http_requests_total HTTP requests answered, by method, route and status.',
      '# TYPE artifact_types_http_requests_total counter',
      ...[...this.totals()].map(([labels, n]) => `artifact_types_http_requests_total{${labels}} ${n}`),
      '# HELP artifact_types_http_requests_in_flight Requests being answered now.',
      '# TYPE artifact_types_http_requests_in_flight gauge',
      `artifact_types_http_requests_in_flight ${this.inFlight}`,
      '# HELP artifact_types_fast_lane_requests_total Requests answered from prepared responses before express routing.',
      '# TYPE artifact_types_fast_lane_requests_total counter',
      `artifact_types_fast_lane_requests_total ${this.fastLane}`,
      '# HELP artifact_types_catalog_reloads_total Catalog reloads, by result.',
      '# TYPE artifact_types_catalog_reloads_total counter',
      `artifact_types_catalog_reloads_total{result="ok"} ${this.reloads.ok}`,
      `artifact_types_catalog_reloads_total{result="failed"} ${this.reloads.failed}`,
      '# HELP artifact_types_catalog_types Artifact types in the served catalog.',
      '# TYPE artifact_types_catalog_types gauge',
      `artifact_types_catalog_types ${catalog.types}`,
      '# HELP artifact_types_catalog_info The served catalog version and digest.',
      '# TYPE artifact_types_catalog_info gauge',
      `artifact_types_catalog_info{version="${catalog.version.replace(/["\\\n]/g, '')}",digest="${catalog.digest.replace(/["\\\n]/g, '')}"} 1`,
      '# HELP process_uptime_seconds Seconds since the server started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${((Date.now() - this.started) / 1000).toFixed(1)}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
