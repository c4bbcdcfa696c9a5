// Operational routes: liveness, readiness (false while draining), Prometheus metrics.
import { Router } from 'express';
import type { StateRef } from './api/types.ts';
import type { Metrics } from './metrics.ts';

export function opsRouter(current: StateRef, metrics: Metrics, isDraining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const { catalog } = current();
    if (isDraining()) res.status(503).json({ status: 'draining' });
    else res.json({ status: 'ready', types: catalog.types.length, version: catalog.version, digest: catalog.digest });
  });
  router.get('/metrics', (_req, res) => {
    const { catalog } = current();
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render({ types: catalog.types.length, version: catalog.version, digest: catalog.digest }));
  });
  return router;
}
