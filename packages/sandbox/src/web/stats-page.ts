import type { StatsResponse } from '@mailplatform/sdk/schemas';
import { html, type SafeHtml } from './html.js';
import { namespaceLink } from './inbox-page.js';
import { page } from './web-page.js';

export interface StatsPageInput {
  ns: string;
  stats: { namespace: string; stats: StatsResponse }[];
}

const COUNTS = [
  'sent',
  'delivered',
  'bouncedHard',
  'bouncedSoft',
  'bouncedBlock',
  'complained',
  'unsubscribed',
  'opensUnique',
  'opensUniqueHuman',
  'clicksUnique',
  'clicksUniqueHuman',
] as const;
const RATES = ['deliveryRate', 'bounceRate', 'openRate', 'clickRate', 'complaintRate'] as const;

function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

/** `GET /ui/stats`: the 30-day totals of each namespace, as `GET /v1/stats?interval=none` reports them. */
export function statsPage(input: StatsPageInput): SafeHtml {
  const rows = input.stats.map(
    ({ namespace, stats }) => html`<tr><td>${namespaceLink(namespace)}</td>
${COUNTS.map((name) => html`<td class="num">${stats.totals.counts[name]}</td>`)}
${RATES.map((name) => html`<td class="num">${percent(stats.totals.rates[name])}</td>`)}</tr>`,
  );
  const since = input.stats[0]?.stats.since;
  const until = input.stats[0]?.stats.until;
  return page(
    'Stats',
    html`<h1>Stats</h1>
<form method="get" action="/ui/stats"><label>Namespace or API key <input name="ns" value="${input.ns}" size="40"></label>
<button type="submit">Filter</button> <a href="/ui/stats">Clear</a></form>
<p class="muted">Messages submitted in the last 30 days of the virtual clock${since ? ` (${since} to ${until})` : ''}.</p>
<table><thead><tr><th>Namespace</th>${COUNTS.map((name) => html`<th>${name}</th>`)}${RATES.map((name) => html`<th>${name}</th>`)}</tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="${COUNTS.length + RATES.length + 1}" class="muted">No statistics.</td></tr>`}</tbody></table>`,
  );
}
