// Prints one day's statistics in Danish time, grouped by tag, as JSON (pipe it to jq or a dashboard).
//
//   node stats.mjs              # yesterday in Europe/Copenhagen
//   node stats.mjs 2025-03-14   # a given day
import { isMailPlatformError, MailPlatform } from '@mailplatform/sdk';

const TIMEZONE = 'Europe/Copenhagen';

/** Yesterday's calendar date (YYYY-MM-DD) in `timeZone`, whatever the server's own zone is. */
function yesterdayIn(timeZone) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

async function main() {
  const day = process.argv[2] ?? yesterdayIn(TIMEZONE);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    console.error(`Usage: node stats.mjs [YYYY-MM-DD]   (got ${JSON.stringify(day)})`);
    process.exitCode = 2;
    return;
  }
  const mp = new MailPlatform();
  try {
    // Dates are whole days in `timezone`: since and until both name the same day.
    const stats = await mp.stats.get({
      since: day,
      until: day,
      timezone: TIMEZONE,
      interval: 'none',
      groupBy: 'tag',
    });
    const summary = (values) => ({
      sent: values.counts.sent,
      delivered: values.counts.delivered,
      bounced:
        values.counts.bouncedHard +
        values.counts.bouncedSoft +
        values.counts.bouncedBlock +
        values.counts.bouncedUndetermined,
      complained: values.counts.complained,
      opensUniqueHuman: values.counts.opensUniqueHuman,
      clicksUniqueHuman: values.counts.clicksUniqueHuman,
      deliveryRate: values.rates.deliveryRate,
      bounceRate: values.rates.bounceRate,
      humanOpenRate: values.rates.humanOpenRate,
    });
    const report = {
      day,
      timezone: stats.timezone,
      since: stats.since,
      until: stats.until,
      totals: summary(stats.totals),
      byTag: Object.fromEntries(stats.groups.map((group) => [group.key, summary(group)])),
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await mp.close();
  }
}

try {
  await main();
} catch (error) {
  if (!isMailPlatformError(error)) throw error;
  console.error(`${error.name} (${error.code}): ${error.message}`);
  if (error.requestId) console.error(`Request id: ${error.requestId}`);
  process.exitCode = error.retryable ? 75 : 1;
}
