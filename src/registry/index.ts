// Public surface of the registry client: the CLI (push, pull, ls) and the server build on these.
export { pushCatalog, pullCatalog, fetchCatalog, type FetchedCatalog, verifyCatalogDigests, CATALOG_ARTIFACT_TYPE, CATALOG_LAYER_MEDIA_TYPE, LOGOS_LAYER_MEDIA_TYPE, EMPTY_DESCRIPTOR, type PushResult, type PullResult, type RegistryOptions } from './catalog-artifact.ts';
export { listRegistry, type ListedArtifact, type ListedReferrer, type ReferrerSource, type ListOptions, type ListProgress, type RegistryListing } from './list.ts';
export { RegistryClient, MANIFEST_ACCEPT, sha256Digest, type Descriptor, type FetchedManifest } from './client.ts';
export { RegistryError, ERROR_ADVICE } from './errors.ts';
export { parseReference, parseRegistry, formatReference, isLocalRegistry, type Reference } from './reference.ts';
export { fillCommand, actionsFor, takesSubject, type Action } from './actions.ts';
export { credentialsFrom } from './credentials.ts';
export type { Credentials } from './auth.ts';
