export type ClickTracking = 'none' | 'html' | 'text' | 'all';

export interface TrackedLink {
  /** Position among the tracked links: HTML links first, then text links, in document order. */
  index: number;
  url: string;
  token: string;
}

export interface ApplyTrackingInput {
  html?: string;
  text?: string;
  /** Origin the tracking URLs point at, e.g. `http://127.0.0.1:4400`. */
  baseUrl: string;
  /** Issues the click token for one link occurrence; every occurrence gets its own token. */
  token: (link: { url: string; index: number }) => string;
  openToken: string;
  opens: boolean;
  clicks: ClickTracking;
  /** The message's `List-Unsubscribe` header value; its URLs are never rewritten. */
  listUnsubscribe?: string;
}

export interface ApplyTrackingResult {
  html?: string;
  text?: string;
  links: TrackedLink[];
}

// A comment that is not an Outlook conditional comment, or an <a> start tag (quoted values may hold '>').
const HTML_TOKEN = /<!--(?!\[if)[\s\S]*?-->|<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+)))?/g;
const TEXT_URL = /\bhttps?:\/\/[^\s<>"'[\]{}|\\^`]+/gi;
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeHtmlEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unsubscribeUrls(header: string | undefined): Set<string> {
  const urls = new Set<string>();
  for (const match of (header ?? '').matchAll(/<([^>]+)>/g)) urls.add(match[1]!.trim());
  return urls;
}

/**
 * Inserts the open pixel and rewrites links to the click redirector, as production does. Skipped:
 * non-http(s) links (mailto:, tel:, #anchors), links marked `data-mp-no-track`, the List-Unsubscribe
 * URLs, links already pointing at the tracker, and links inside ordinary HTML comments.
 */
export function applyTracking(input: ApplyTrackingInput): ApplyTrackingResult {
  const base = input.baseUrl.replace(/\/+$/, '');
  const skip = unsubscribeUrls(input.listUnsubscribe);
  const links: TrackedLink[] = [];
  const trackable = (url: string) =>
    /^https?:\/\//i.test(url) && !skip.has(url) && !url.startsWith(`${base}/t/`);
  const track = (url: string) => {
    const index = links.length;
    const token = input.token({ url, index });
    links.push({ index, url, token });
    return `${base}/t/c/${token}`;
  };

  let html = input.html;
  if (html !== undefined && (input.clicks === 'html' || input.clicks === 'all')) {
    html = html.replace(HTML_TOKEN, (tag) => {
      if (tag.startsWith('<!--')) return tag;
      let href: { start: number; end: number; url: string } | undefined;
      let noTrack = false;
      const attributesStart = 2;
      for (const match of tag.slice(attributesStart).matchAll(ATTRIBUTE)) {
        const name = match[1]!.toLowerCase();
        if (name === 'data-mp-no-track') noTrack = true;
        if (name === 'href' && href === undefined) {
          const start = attributesStart + match.index;
          href = {
            start,
            end: start + match[0].length,
            url: decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? '').trim(),
          };
        }
      }
      if (!href || noTrack || !trackable(href.url)) return tag;
      const rewritten = `href="${escapeAttribute(track(href.url))}"`;
      return tag.slice(0, href.start) + rewritten + tag.slice(href.end);
    });
  }

  if (html !== undefined && input.opens) {
    const pixel =
      `<img src="${escapeAttribute(`${base}/t/o/${input.openToken}`)}" width="1" height="1" alt="" ` +
      'style="display:block;width:1px;height:1px;border:0;margin:0;padding:0;overflow:hidden" />';
    const closing = html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
    html = closing === -1 ? html + pixel : html.slice(0, closing) + pixel + html.slice(closing);
  }

  let text = input.text;
  if (text !== undefined && (input.clicks === 'text' || input.clicks === 'all')) {
    text = text.replace(TEXT_URL, (found) => {
      const trailing = /[.,;:!?)]+$/.exec(found)?.[0] ?? '';
      const url = found.slice(0, found.length - trailing.length);
      return trackable(url) ? track(url) + trailing : found;
    });
  }

  const result: ApplyTrackingResult = { links };
  if (html !== undefined) result.html = html;
  if (text !== undefined) result.text = text;
  return result;
}
