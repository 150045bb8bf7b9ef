// Child process for bench/sandbox-throughput.mjs: starts an in-memory sandbox on free ports, prints
// { url, smtpPort, apiKey } as one JSON line, and runs until its stdin closes.
// Run as: node --conditions=source --import tsx bench/sandbox-child.mjs
const { createSandbox } = await import('../packages/sandbox/src/create-sandbox.ts');

const sandbox = await createSandbox({ port: 0, smtpPort: 0 });
process.stdout.write(
  `${JSON.stringify({ url: sandbox.url, smtpPort: sandbox.smtpPort, apiKey: sandbox.apiKey })}\n`,
);
process.stdin.resume();
process.stdin.on('end', async () => {
  await sandbox.close();
  process.exit(0);
});
