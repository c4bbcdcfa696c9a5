// Installs the Debian packages a test or benchmark run needs, only those whose binary is missing.
// Shared by scripts/test-setup.js (npm test) and scripts/bench/index.ts (npm run bench).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** @param {string} who @param {Array<{ binary: string, pkg: string }>} needed */
export function provision(who, needed) {
  const missing = needed.filter((n) => !existsSync(n.binary)).map((n) => n.pkg);
  if (missing.length === 0) return;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    console.error(`${who}: missing ${missing.join(', ')}; install them with your package manager.`);
    process.exit(1);
  }
  console.error(`${who}: installing ${missing.join(', ')} with apt-get`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args) => execFileSync(asRoot[0] ?? args[0], asRoot.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}
