// The HTTP sink, run in its own process (bench/lib/sink.mjs forks it) so its CPU is not charged to the
// client under test. Every answer is serialised once at start-up: the client must be the bottleneck.
import { createServer } from 'node:http';

const json = (value) => Buffer.from(JSON.stringify(value));

// platform-contract.md §5: the 202 answer to POST /v1/messages.
const MAILPLATFORM_ACCEPTED = json({
  id: 'msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD',
  status: 'queued',
  stream: 'transactional',
  submittedAt: '2025-03-14T07:59:58.120Z',
  recipients: [{ email: 'kunde@example.dk', type: 'to', status: 'queued' }],
});

// The peers' own success bodies, so bench/first-send.mjs measures each library's full success path.
const POSTMARK_OK = json({
  To: 'kunde@example.dk',
  SubmittedAt: '2025-03-14T07:59:58.1200000Z',
  MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817',
  ErrorCode: 0,
  Message: 'OK',
});
const RESEND_OK = json({ id: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' });

const NOT_FOUND = json({
  type: 'https://docs.mailplatform.dk/errors/not-found',
  title: 'Not found',
  status: 404,
  detail: 'No such route',
  code: 'not_found',
});

const ROUTES = new Map([
  ['POST /v1/messages', { status: 202, type: 'application/json', body: MAILPLATFORM_ACCEPTED }],
  ['POST /email', { status: 200, type: 'application/json', body: POSTMARK_OK }],
  ['POST /emails', { status: 200, type: 'application/json', body: RESEND_OK }],
]);
const MISSING = { status: 404, type: 'application/problem+json', body: NOT_FOUND };

const counts = { requests: 0, notFound: 0 };
let nextId = 0;

const server = createServer((req, res) => {
  const route = ROUTES.get(`${req.method} ${req.url}`) ?? MISSING;
  counts.requests++;
  if (route === MISSING) counts.notFound++;
  req.on('end', () => {
    res.writeHead(route.status, [
      'content-type',
      route.type,
      'content-length',
      String(route.body.length),
      'x-request-id',
      `req_bench${(nextId++).toString(36)}`,
    ]);
    res.end(route.body);
  });
  req.resume();
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port });
});

process.on('message', (message) => {
  if (message?.type === 'counts') {
    const cpu = process.cpuUsage();
    process.send({ type: 'counts', ...counts, cpuMs: (cpu.user + cpu.system) / 1000, at: performance.now() });
  }
  if (message?.type === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
