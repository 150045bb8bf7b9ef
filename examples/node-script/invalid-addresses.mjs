// Exports every address the platform found invalid (hard bounces, complaints, ...) as CSV for the CRM.
//
//   node invalid-addresses.mjs [file]   # default: invalid-addresses-<today>.csv
//
// The CSV is UTF-8 with a BOM (Excel opens it correctly); one row per address with the columns
// email, reason, bounceClass, bounceType, enhancedCode, diagnostic, firstSeenAt, lastSeenAt,
// lastMessageId, stream, tag.
import { writeFile } from 'node:fs/promises';
import { isMailPlatformError, MailPlatform } from '@mailplatform/sdk';

const TIMEZONE = 'Europe/Copenhagen';

async function main() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date());
  const file = process.argv[2] ?? `invalid-addresses-${today}.csv`;
  const mp = new MailPlatform();
  try {
    const job = await mp.exports.create({ type: 'invalid_addresses', format: 'csv', timezone: TIMEZONE });
    console.log(`Export ${job.id} started`);
    const done = await mp.exports.waitFor(job.id, {
      intervalMs: 1_000,
      timeoutMs: 5 * 60_000,
      onProgress: (current) => console.log(`  ${current.status}`),
    });
    const bytes = await mp.exports.download(done.id);
    await writeFile(file, bytes);
    console.log(`Wrote ${done.rowCount} ${done.rowCount === 1 ? 'address' : 'addresses'} to ${file}`);
  } finally {
    await mp.close();
  }
}

try {
  await main();
} catch (error) {
  if (!isMailPlatformError(error)) throw error;
  // ExportFailedError (code export_failed) carries the platform's last state in error.export.
  console.error(`${error.name} (${error.code}): ${error.message}`);
  if (error.requestId) console.error(`Request id: ${error.requestId}`);
  process.exitCode = error.retryable ? 75 : 1;
}
