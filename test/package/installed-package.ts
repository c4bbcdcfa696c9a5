// Test fixture: the package built from the catalog under test, packed and installed into a fresh
// temp project (scripts/package/pack-and-install.ts does the work).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAndInstall as buildAndInstallFrom } from '../../scripts/package/pack-and-install.ts';

export { exec, run, removeInstall, type InstalledPackage } from '../../scripts/package/pack-and-install.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The catalog under test: definitions/, or another definitions directory (e.g. a clean copy while others edit this one). */
export const DEFINITIONS = path.resolve(process.env.ARTIFACT_TYPES_TEST_DEFINITIONS ?? path.join(REPO_ROOT, 'definitions'));
export const TSC = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');

export const buildAndInstall = () => buildAndInstallFrom(DEFINITIONS);
