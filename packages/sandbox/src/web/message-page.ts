import type { InboxMessage, Message } from '@mailplatform/sdk/schemas';
import type { MailEventEnvelope, StoredMessage } from '../storage/json-types.js';
import { html, type SafeHtml } from './html.js';
import { formatAddress, namespaceLink } from './inbox-page.js';
import { page, shortTime, truncateText } from './web-page.js';

/** Raw MIME beyond this is cut in the page (the control API serves it whole). */
const SOURCE_CHARS = 200_000;
const DETAIL_CHARS = 500;
/** Fields every message event repeats; the timeline shows the rest. */
const COMMON_FIELDS = new Set(['messageId', 'recipient', 'stream', 'tag', 'metadata', 'from', 'subject']);

export interface MessagePageInput {
  message: StoredMessage;
  view: Message;
  /** The content as `recipient` received it (each recipient has its own tracking links). */
  content: InboxMessage;
  recipient: string | undefined;
  /** The recipient's HTML with its open pixel removed, so looking at it records nothing. */
  preview: string | null;
  openTracked: boolean;
  raw: string | undefined;
  events: MailEventEnvelope[];
}

/** Removes the `<img>` that loads `/t/o/<token>` (the open pixel) from a recipient's HTML. */
export function stripOpenPixel(htmlBody: string, openToken: string | undefined): string {
  if (openToken === undefined) return htmlBody;
  return htmlBody.replace(/<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi, (tag) =>
    tag.includes(`/t/o/${openToken}`) ? '' : tag,
  );
}

function detailValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/** An event's own fields as `name: value` (nested objects one level deep: `bounce.class: hard`). */
function eventDetails(data: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (COMMON_FIELDS.has(key)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        if (innerValue !== null && innerValue !== undefined) {
          out.push(`${key}.${inner}: ${truncateText(detailValue(innerValue), DETAIL_CHARS)}`);
        }
      }
    } else if (value !== null && value !== undefined) {
      out.push(`${key}: ${truncateText(detailValue(value), DETAIL_CHARS)}`);
    }
  }
  return out;
}

function messagePath(id: string, action: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  const search = params.toString();
  return `/ui/messages/${encodeURIComponent(id)}${action}${search ? `?${search}` : ''}`;
}

function recipientsTable(input: MessagePageInput): SafeHtml {
  const rows = input.view.recipients.map(
    (
      r,
    ) => html`<tr><td>${r.email}${r.email === input.recipient ? html` <span class="muted">(shown)</span>` : ''}</td>
<td>${r.type}</td><td class="status">${r.status}</td><td>${shortTime(r.deliveredAt)}</td>
<td>${shortTime(r.openedAt)}</td><td>${shortTime(r.clickedAt)}</td><td>${shortTime(r.bouncedAt)}</td>
<td>${r.bounce ? `${r.bounce.type} (${r.bounce.class}) ${r.bounce.diagnostic ?? ''}` : ''}</td>
<td>${r.email === input.recipient ? '' : html`<a href="${messagePath(input.message.id, '', { recipient: r.email })}">show as this recipient</a>`}</td></tr>`,
  );
  return html`<table><thead><tr><th>Recipient</th><th>Type</th><th>Status</th><th>Delivered</th><th>Opened</th>
<th>Clicked</th><th>Bounced</th><th>Bounce</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function actions(input: MessagePageInput): SafeHtml {
  if (input.recipient === undefined) return html``;
  const open = input.openTracked
    ? html`<form class="inline" method="post" action="${messagePath(input.message.id, '/open', { recipient: input.recipient })}"><button type="submit">Open (record an open)</button></form>`
    : html`<span class="muted">Open tracking is off for this message.</span>`;
  return html`<p>As ${input.recipient}: ${open}</p>`;
}

function linksTable(input: MessagePageInput): SafeHtml {
  if (input.content.links.length === 0) return html`<p class="muted">No tracked links.</p>`;
  const rows = input.content.links.map(
    (link, i) => html`<tr><td>${i}</td><td>${link.url}</td><td><code>${link.trackingUrl}</code></td>
<td><form class="inline" method="post" action="${messagePath(input.message.id, '/click', { link: String(i), recipient: input.recipient })}"><button type="submit">Click</button></form></td></tr>`,
  );
  return html`<table><thead><tr><th>#</th><th>URL</th><th>Tracking URL</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function timeline(events: MailEventEnvelope[]): SafeHtml {
  if (events.length === 0) return html`<p class="muted">No events.</p>`;
  const rows = events.map(
    (event) => html`<tr><td>${shortTime(event.timestamp)}</td><td>${event.type}</td>
<td>${typeof event.data.recipient === 'string' ? event.data.recipient : ''}</td>
<td>${eventDetails(event.data).map((line) => html`<div><code>${line}</code></div>`)}</td></tr>`,
  );
  return html`<table><thead><tr><th>Time</th><th>Event</th><th>Recipient</th><th>Details</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** `GET /ui/messages/{id}`: content, recipients, links, attachments, source and the event timeline. */
export function messagePage(input: MessagePageInput): SafeHtml {
  const { message, view, content } = input;
  const metadata = Object.entries(message.metadata);
  const headerRows = content.headers.map((h) => html`<tr><th>${h.name}</th><td>${h.value}</td></tr>`);
  const attachments = content.attachments.map(
    (
      a,
    ) => html`<tr><td>${a.filename ?? '(unnamed)'}</td><td>${a.contentType}</td><td class="num">${a.size}</td>
<td>${a.disposition}</td><td>${a.contentId ?? ''}</td></tr>`,
  );
  return page(
    message.subject || '(no subject)',
    html`<h1>${message.subject || '(no subject)'}</h1>
<table>
<tr><th>From</th><td>${formatAddress(message.from)}</td></tr>
<tr><th>To</th><td>${message.to.map(formatAddress).join(', ')}</td></tr>
${message.cc.length > 0 ? html`<tr><th>Cc</th><td>${message.cc.map(formatAddress).join(', ')}</td></tr>` : ''}
${message.bcc.length > 0 ? html`<tr><th>Bcc</th><td>${message.bcc.map(formatAddress).join(', ')}</td></tr>` : ''}
<tr><th>Status</th><td class="status">${view.status}</td></tr>
<tr><th>Received</th><td>${shortTime(message.createdAt)} UTC (virtual clock)</td></tr>
<tr><th>Tag</th><td>${message.tag ?? ''}</td></tr>
<tr><th>Stream / channel</th><td>${message.stream} / ${message.channel}</td></tr>
<tr><th>Metadata</th><td>${metadata.map(([k, v]) => html`<div><code>${k}: ${v}</code></div>`)}</td></tr>
<tr><th>Id / namespace</th><td><code>${message.id}</code> in ${namespaceLink(message.namespace)}</td></tr>
</table>
${actions(input)}
<nav class="tabs"><a href="#html">HTML</a><a href="#text">Text</a><a href="#links">Links</a>
<a href="#attachments">Attachments</a><a href="#headers">Headers</a><a href="#source">Source</a><a href="#timeline">Timeline</a></nav>
<section id="recipients"><h2>Recipients</h2>${recipientsTable(input)}</section>
<section id="html"><h2>HTML</h2>${
      input.preview !== null
        ? html`<p class="muted">Preview without scripts, remote images or the open pixel; links are the tracked ones.</p>
<iframe sandbox title="HTML preview" srcdoc="${input.preview}"></iframe>
<details><summary>HTML source</summary><pre>${truncateText(input.preview, SOURCE_CHARS)}</pre></details>`
        : html`<p class="muted">No HTML part.</p>`
    }</section>
<section id="text"><h2>Text</h2>${content.text !== null ? html`<pre>${content.text}</pre>` : html`<p class="muted">No text part.</p>`}</section>
<section id="links"><h2>Links</h2>${linksTable(input)}</section>
<section id="attachments"><h2>Attachments</h2>${
      attachments.length > 0
        ? html`<table><thead><tr><th>Name</th><th>Type</th><th>Bytes</th><th>Disposition</th><th>Content-ID</th></tr></thead><tbody>${attachments}</tbody></table>`
        : html`<p class="muted">No attachments.</p>`
    }</section>
<section id="headers"><h2>Headers</h2><table>${headerRows}</table></section>
<section id="source"><h2>Source</h2>${
      input.raw !== undefined
        ? html`<pre>${truncateText(input.raw, SOURCE_CHARS)}</pre>`
        : html`<p class="muted">No MIME stored.</p>`
    }</section>
<section id="timeline"><h2>Timeline</h2>${timeline(input.events)}</section>`,
  );
}
