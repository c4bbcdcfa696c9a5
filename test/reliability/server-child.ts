// A server in its own process, so the reliability suites can read its RSS from /proc and kill it:
// startServer as `serve` runs it, with the timeouts given in TIMEOUTS (JSON) and JSON logs written
// to LOG_FILE. Prints {"url"} on stdout when listening; SIGTERM drains and exits 0.
import { pino } from 'pino';
import { startServer } from '../../src/server/index.ts';

const logger = pino({ name: 'artifact-types' }, pino.destination({ dest: process.env.LOG_FILE ?? '/dev/null', sync: false }));
const running = await startServer({ root: process.env.ROOT, host: '127.0.0.1', port: 0, logger, timeouts: JSON.parse(process.env.TIMEOUTS ?? '{}') });
process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  void running.close().then(() => {
    logger.flush();
    process.exit(0);
  });
});
