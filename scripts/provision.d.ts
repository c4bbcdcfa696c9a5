// Types for provision.js (plain JavaScript so that `npm test` can run it before anything is compiled).
export function provision(who: string, needed: Array<{ binary: string; pkg: string }>): void;
