// The web pages. Each page module contributes a router and its route patterns (for 405 answers);
// add a page (e.g. /registry) by adding an entry here.
import type { Router } from 'express';
import type { StateRef } from '../api/types.ts';
import { API_PAGE_ROUTES, apiReferencePages } from './api-reference.ts';
import { ASSET_ROUTES, assetsRouter } from './assets.ts';
import { CATALOG_PAGE_ROUTES, catalogPages } from './catalog.ts';
export { htmlNotFound } from './not-found.ts';
import { REGISTRY_PAGE_ROUTES, registryPages, type RegistryPageOptions } from './registry.ts';

export interface PageContext {
  current: StateRef;
  /** Server options a page may need (e.g. the registry URL of a /registry page). */
  options: Record<string, unknown>;
}

export interface PageModule {
  routes: string[];
  router(context: PageContext): Router;
}

export const PAGES: PageModule[] = [
  { routes: CATALOG_PAGE_ROUTES, router: ({ current }) => catalogPages(current) },
  { routes: ASSET_ROUTES, router: ({ current }) => assetsRouter(current) },
  { routes: REGISTRY_PAGE_ROUTES, router: ({ current, options }) => registryPages(current, options.registry as RegistryPageOptions | undefined) },
  { routes: API_PAGE_ROUTES, router: ({ current }) => apiReferencePages(current) },
];
