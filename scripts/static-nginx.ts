// Runs Debian's nginx on a static export written by `artifact-types build` (dist/nginx/, dist/api/),
// on 127.0.0.1:<port>, for the static-export test and the API benchmark. Only the listen line and
// the worker count of the generated configuration are changed.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

export interface RunningNginx {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `dist` is the build output (with nginx/ and api/); `work` a writable folder for nginx's own files. */
export async function startExportNginx(dist: string, work: string, port: number, options: { workers?: number } = {}): Promise<RunningNginx> {
  await mkdir(work, { recursive: true });
  const server = (await readFile(path.join(dist, 'nginx', 'server.conf'), 'utf8')).replace(/^( {4}listen) [^;]+;$/m, `$1 127.0.0.1:${port};`);
  if (!server.includes(`listen 127.0.0.1:${port};`)) throw new Error('no listen line in the generated server.conf');
  const serverFile = path.join(work, 'server.conf');
  await writeFile(serverFile, server);
  const main = (await readFile(path.join(dist, 'nginx', 'nginx.conf'), 'utf8'))
    .replace(/^(\s*)include \S+server\.conf;$/m, `$1include ${serverFile};`)
    .replace(/^worker_processes .*;$/m, `worker_processes ${options.workers ?? 1};`);
  const mainFile = path.join(work, 'nginx.conf');
  // As root, nginx's workers run as nobody: they need to read the export (temp folders are 0700).
  await writeFile(mainFile, process.getuid?.() === 0 ? `user root;\n${main}` : main);
  for (let dir = path.resolve(dist); dir !== path.dirname(dir); dir = path.dirname(dir)) await chmod(dir, 0o755).catch(() => undefined);
  const child: ChildProcess = spawn(NGINX, ['-c', mainFile, '-p', work, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${stderr.trim()}`);
    const up = await fetch(`${url}/v1/catalog`, { method: 'HEAD' }).then((r) => r.status === 200, () => false);
    if (up) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer on ${url}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
