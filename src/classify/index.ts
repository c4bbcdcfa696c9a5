// Public surface of classification, shared by the CLI, the API and the npm package.
export { classify, type ClassifyOptions, type ConfigValidator } from './classify.ts';
export { buildLookup, lookupMediaType, EMPTY_MEDIA_TYPE, type Lookup, type MediaTypeUse, type Role } from './lookup.ts';
export { normalizeMediaType, mediaTypeEssence, mediaTypeProblems, parseMediaType, ociNamingAdvice } from './media-type.ts';
export { typesForMediaType, findType } from './query.ts';
export { validateManifest, manifestFormat, SPEC, type ManifestFormat } from './validate.ts';
export { referrersList, referrersTagSubject, cosignTag, nameReferrer } from './referrers.ts';
