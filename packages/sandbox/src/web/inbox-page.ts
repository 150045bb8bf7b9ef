import type { Address, StoredMessage } from '../storage/json-types.js';
import { html, type SafeHtml } from './html.js';
import { page, shortTime } from './web-page.js';

export interface InboxRow {
  message: StoredMessage;
  status: string;
}

export interface InboxPageInput {
  rows: InboxRow[];
  namespaces: { namespace: string; messages: number }[];
  /** The filters as typed (a key given as the namespace filter was redirected to its `ns_…` id). */
  ns: string;
  q: string;
  limit: number;
}

export function formatAddress(address: Address): string {
  return address.name ? `${address.name} <${address.email}>` : address.email;
}

export function namespaceLink(namespace: string, label: string = namespace): SafeHtml {
  return html`<a href="/?ns=${encodeURIComponent(namespace)}">${label}</a>`;
}

/** `GET /`: the newest messages of every namespace (or one), with a filter form. */
export function inboxPage(input: InboxPageInput): SafeHtml {
  const rows = input.rows.map(
    ({ message, status }) => html`<tr>
<td>${shortTime(message.createdAt)}</td>
<td>${formatAddress(message.from)}</td>
<td>${[...message.to, ...message.cc, ...message.bcc].map(formatAddress).join(', ')}</td>
<td><a href="/ui/messages/${encodeURIComponent(message.id)}">${message.subject || '(no subject)'}</a></td>
<td>${message.tag ?? ''}</td><td>${message.channel}</td><td class="status">${status}</td>
<td class="muted">${namespaceLink(message.namespace)}</td></tr>`,
  );
  const namespaces = input.namespaces.map(
    (n) => html`<li>${namespaceLink(n.namespace)} <span class="muted">(${n.messages})</span></li>`,
  );
  return page(
    'Inbox',
    html`<h1>Inbox</h1>
<form method="get" action="/">
<label>Namespace or API key <input name="ns" value="${input.ns}" size="40"></label>
<label>Subject or recipient contains <input name="q" value="${input.q}"></label>
<button type="submit">Filter</button> <a href="/">Clear</a></form>
<p class="muted">The newest ${input.limit} messages${input.ns ? ' of the namespace' : ' of every namespace'}.
This page has no login: it shows every namespace, for anyone who can reach this loopback address.</p>
<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Tag</th><th>Channel</th>
<th>Status</th><th>Namespace</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="8" class="muted">No messages.</td></tr>`}</tbody></table>
<h2>Namespaces</h2><ul>${namespaces.length > 0 ? namespaces : html`<li class="muted">None yet.</li>`}</ul>`,
  );
}
