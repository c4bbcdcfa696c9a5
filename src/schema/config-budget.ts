// What checking a config against its type's schema may cost, per request: the API and the npm
// package run a contributed schema on a config anyone can send. The validators stop at the first
// error (ajv without allErrors); here, a config too big or too deep is not validated at all, so the
// work is bounded before the schema runs, and at most CONFIG_LIMITS.errors problems are reported.

export const CONFIG_LIMITS = {
  /** JSON values (objects, arrays, strings, numbers, …): a real image config has hundreds. */
  values: 100_000,
  /** Nesting: a recursive schema follows the data down, one stack frame per level. */
  depth: 64,
  errors: 20,
};

export interface ConfigError {
  pointer: string;
  message: string;
}

/** Why a config is too large to validate, or null; stops counting at the limits. */
export function configTooLarge(config: unknown): string | null {
  let values = 0;
  // Two parallel stacks: no tuple per value, so counting 100,000 values allocates almost nothing.
  const pending: unknown[] = [config];
  const depths: number[] = [0];
  while (pending.length > 0) {
    const value = pending.pop();
    const depth = depths.pop()!;
    values++;
    if (depth > CONFIG_LIMITS.depth) return `nests deeper than ${CONFIG_LIMITS.depth} levels`;
    if (typeof value !== 'object' || value === null) continue;
    const children = Array.isArray(value) ? value : Object.values(value);
    if (values + pending.length + children.length > CONFIG_LIMITS.values) return `has more than ${CONFIG_LIMITS.values} values`;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      // Scalars are counted here and never pushed.
      if (typeof child === 'object' && child !== null) {
        pending.push(child);
        depths.push(depth + 1);
      } else values++;
    }
  }
  return null;
}

/** A validator as ajv makes it (compiled or standalone): true, or false with `errors`. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string }> | null;
}

/** Checks a config within the limits: [] when valid, else at most CONFIG_LIMITS.errors problems. */
export function checkConfig(validate: SchemaValidator, config: unknown): ConfigError[] {
  const tooLarge = configTooLarge(config);
  if (tooLarge) return [{ pointer: '', message: `config ${tooLarge}: too large to check against the type's config schema (limit ${CONFIG_LIMITS.values} values, ${CONFIG_LIMITS.depth} levels)` }];
  let valid: boolean;
  try {
    valid = validate(config);
  } catch {
    // A stack overflow in a recursive schema (the limits above should prevent it): say so, do not fail the request.
    return [{ pointer: '', message: "config could not be checked against the type's config schema (validation ran out of stack)" }];
  }
  if (valid) return [];
  return (validate.errors ?? []).slice(0, CONFIG_LIMITS.errors).map((e) => ({ pointer: e.instancePath, message: `${e.instancePath || 'config'} ${e.message ?? 'is invalid'}` }));
}
