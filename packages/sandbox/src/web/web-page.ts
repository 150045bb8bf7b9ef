import type { Reply } from '../http/types.js';
import { html, type SafeHtml } from './html.js';

/**
 * No scripts at all; inline styles only; images only as data: URIs, so remote images and tracking
 * pixels never load (the srcdoc preview inherits this policy); forms post only back to the sandbox.
 */
export const WEB_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'";

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#1d2a3a;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
header a{color:#fff;text-decoration:none}header strong{margin-right:12px}
main{padding:16px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff;border:1px solid #e3e3e3;padding:8px;overflow:auto;max-height:480px;white-space:pre-wrap;word-break:break-all}
iframe{width:100%;height:520px;border:1px solid #ccc;background:#fff}
section{margin:24px 0}nav.tabs a{margin-right:12px}
form.inline{display:inline;margin:0}
.muted{color:#6e6e73}.status{font-weight:600}
code{font-size:12px}
`;

/** A full page: the navigation, then `body`. */
export function page(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer">
<title>${title} · mailplatform sandbox</title><style>${STYLE}</style></head>
<body><header><strong>mailplatform sandbox</strong><a href="/">Inbox</a><a href="/ui/webhooks">Webhooks</a>
<a href="/ui/stats">Stats</a><span class="muted">all namespaces, local only</span></header>
<main>${body}</main></body></html>`;
}

/** Every web page goes out with the CSP and no caching, and may not be framed. */
export function htmlReply(status: number, content: SafeHtml, headers: Record<string, string> = {}): Reply {
  return {
    status,
    raw: content.value,
    contentType: 'text/html; charset=utf-8',
    headers: {
      'Content-Security-Policy': WEB_CSP,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      ...headers,
    },
  };
}

export function notFoundPage(detail: string): Reply {
  return htmlReply(
    404,
    page('Not found', html`<h1>Not found</h1><p>${detail}</p><p><a href="/">Back to the inbox</a></p>`),
  );
}

/** `2026-11-27T15:11:25.123Z` → `2026-11-27 15:11:25` (UTC, virtual clock). */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

export function truncateText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}
