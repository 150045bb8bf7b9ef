import type { StoredWebhookDelivery } from '../webhooks/webhook-store.js';
import { html, type SafeHtml } from './html.js';
import { namespaceLink } from './inbox-page.js';
import { page, shortTime, truncateText } from './web-page.js';

const BODY_CHARS = 4_000;

export interface WebhooksPageInput {
  deliveries: (StoredWebhookDelivery & { namespace: string })[];
  ns: string;
  limit: number;
}

/** `GET /ui/webhooks`: the newest delivery attempts with their request and response bodies. */
export function webhooksPage(input: WebhooksPageInput): SafeHtml {
  const rows = input.deliveries.map(
    (d) => html`<tr><td>${shortTime(d.createdAt)}</td><td>${d.url}</td><td>${d.eventType}</td>
<td class="num">${d.attempt}</td><td class="status">${d.status}</td><td class="num">${d.responseStatus ?? ''}</td>
<td>${d.trigger}${d.error ? html`<div class="muted">${d.error}</div>` : ''}${d.nextAttemptAt ? html`<div class="muted">next ${shortTime(d.nextAttemptAt)}</div>` : ''}</td>
<td><details><summary>request</summary><pre>${truncateText(d.payload, BODY_CHARS)}</pre></details>
<details><summary>response</summary><pre>${d.responseBody === null ? '(none)' : truncateText(d.responseBody, BODY_CHARS)}</pre></details></td>
<td class="muted">${namespaceLink(d.namespace)}</td></tr>`,
  );
  return page(
    'Webhook deliveries',
    html`<h1>Webhook deliveries</h1>
<form method="get" action="/ui/webhooks"><label>Namespace or API key <input name="ns" value="${input.ns}" size="40"></label>
<button type="submit">Filter</button> <a href="/ui/webhooks">Clear</a></form>
<p class="muted">The newest ${input.limit} attempts; bodies cut at ${BODY_CHARS} characters.</p>
<table><thead><tr><th>Time</th><th>Endpoint</th><th>Event</th><th>Attempt</th><th>Status</th><th>Response</th>
<th>Trigger</th><th>Bodies</th><th>Namespace</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="9" class="muted">No deliveries.</td></tr>`}</tbody></table>`,
  );
}
