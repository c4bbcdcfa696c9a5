// Credentials from --username/--password, else ARTIFACT_TYPES_REGISTRY_USERNAME/PASSWORD.
import type { Credentials } from './auth.ts';
import { RegistryError } from './errors.ts';

export function credentialsFrom(options: { username?: string; password?: string }, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const username = options.username ?? env.ARTIFACT_TYPES_REGISTRY_USERNAME;
  const password = options.password ?? env.ARTIFACT_TYPES_REGISTRY_PASSWORD;
  if (username === undefined && password === undefined) return undefined;
  if (!username || password === undefined) {
    throw new RegistryError('give both a username and a password (--username/--password or ARTIFACT_TYPES_REGISTRY_USERNAME/ARTIFACT_TYPES_REGISTRY_PASSWORD)', { code: 'UNAUTHORIZED' });
  }
  return { username, password };
}
