#!/usr/bin/env node
// Provisions what the test suites need on a fresh Debian machine: Chromium (browser tests),
// CNCF distribution (registry tests), htpasswd (registry basic auth), openssl (registry token auth)
// script (bsdutils: a pseudo-terminal for the `new` prompt and `ls` progress tests), umoci and
// skopeo (real clients that build and push OCI and Docker images for the referrers tests), and nginx
// with its brotli_static module (the static API export).
import { provision } from './provision.js';

provision('test-setup', [
  { binary: '/usr/bin/chromium', pkg: 'chromium' },
  { binary: '/usr/bin/docker-registry', pkg: 'docker-registry' },
  { binary: '/usr/bin/htpasswd', pkg: 'apache2-utils' },
  { binary: '/usr/bin/openssl', pkg: 'openssl' },
  { binary: '/usr/bin/script', pkg: 'bsdutils' },
  { binary: '/usr/bin/umoci', pkg: 'umoci' },
  { binary: '/usr/bin/skopeo', pkg: 'skopeo' },
  // The static API export's test runs nginx with brotli_static on it.
  { binary: '/usr/sbin/nginx', pkg: 'nginx' },
  { binary: '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so', pkg: 'libnginx-mod-http-brotli-static' },
]);
