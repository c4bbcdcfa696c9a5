// The HTTP API and catalog page: start a server, or build the express app around a catalog.
export { startServer, DEFAULT_TIMEOUTS, type ServerOptions, type RunningServer, type Timeouts } from './server.ts';
export { createApp, allRoutes, API_ROUTES, type AppOptions } from './app.ts';
export { buildState, type CatalogState } from './state.ts';
export { loadFromFile, loadFromMemory, loadFromRoot, type CatalogLoader, type LoadedCatalog } from './load.ts';
