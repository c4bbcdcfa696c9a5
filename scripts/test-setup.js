#!/usr/bin/env node
// Provisions what the test suites need on a fresh Debian machine: Chromium (browser tests),
// CNCF distribution (registry tests), htpasswd (registry basic auth), openssl (registry token auth)
// and script (bsdutils: a pseudo-terminal for the `new` prompt test). Installs only what is missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  { binary: '/usr/bin/chromium', pkg: 'chromium' },
  { binary: '/usr/bin/docker-registry', pkg: 'docker-registry' },
  { binary: '/usr/bin/htpasswd', pkg: 'apache2-utils' },
  { binary: '/usr/bin/openssl', pkg: 'openssl' },
  { binary: '/usr/bin/script', pkg: 'bsdutils' },
];

const missing = NEEDED.filter((n) => !existsSync(n.binary)).map((n) => n.pkg);
if (missing.length === 0) process.exit(0);
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  console.error(`test-setup: missing ${missing.join(', ')}; install them with your package manager.`);
  process.exit(1);
}
console.error(`test-setup: installing ${missing.join(', ')} with apt-get`);
const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
const run = (args) => execFileSync(asRoot[0] ?? args[0], asRoot.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
