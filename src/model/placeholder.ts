// The marker `artifact-types new` writes where a fact is still missing; the checker refuses it.
export const PLACEHOLDER = 'TODO:';
