// The benchmark's bare-Node peer: node:http answering recorded responses (the same status, header
// list and body bytes as our server sent), keyed by path and If-None-Match. No routing, logging,
// metrics or header work: the ceiling of what this stack (Node's HTTP server) can do.
// Usage: node bare-node.mjs <responses.json> <port>
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [file, port] = process.argv.slice(2);
/** @type {Array<{ path: string, inm: string, status: number, headers: string[], body: string }>} */
const recorded = JSON.parse(readFileSync(file, 'utf8'));
const answers = new Map(recorded.map((r) => [`${r.path}|${r.inm}`, { ...r, body: Buffer.from(r.body, 'base64') }]));

http
  .createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const answer = answers.get(`${req.url}|${req.headers['if-none-match'] ?? ''}`);
    if (!answer) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  })
  .listen(Number(port), '127.0.0.1');
