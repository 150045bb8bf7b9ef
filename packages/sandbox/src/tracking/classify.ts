import { ipv4Octets } from './ip.js';

export type Timestamp = number | Date;

export interface OpenRequest {
  method: string;
  userAgent?: string | null;
  ip?: string | null;
  deliveredAt?: Timestamp | null;
  at: Timestamp;
}

export interface OpenClassification {
  machine: boolean;
  machineReason?: 'apple_mpp' | 'image_proxy_prefetch';
}

export interface ClickRequest extends OpenRequest {
  /** Times of this recipient's earlier clicks on OTHER links of the same message. */
  recentClicksAt: Timestamp[];
}

export interface ClickClassification {
  bot: boolean;
  botReason?: 'head_request' | 'too_fast' | 'scanner_ua';
}

/** A click sooner than this after delivery is a scanner. */
export const TOO_FAST_AFTER_DELIVERY_MS = 2_000;
/** Clicks on different links closer together than this are a scanner. */
export const MULTI_LINK_WINDOW_MS = 1_000;
/** Repeated image-proxy hits within this window count as one open. */
export const PROXY_REFETCH_WINDOW_MS = 5 * 60_000;

/** Apple Mail Privacy Protection fetches with exactly this user agent. */
export const APPLE_MPP_USER_AGENT = 'Mozilla/5.0';

/**
 * Security scanners and scripted HTTP clients. `curl` is deliberately absent: in the sandbox a developer
 * curling a tracked link is a legitimate test click. Wget and library clients are scanners.
 */
export const SCANNER_USER_AGENTS: RegExp[] = [
  /safe ?links/i,
  /proofpoint/i,
  /mimecast/i,
  /barracuda/i,
  /headless/i,
  /python-requests/i,
  /python-urllib/i,
  /go-http-client/i,
  /java\//i,
  /libwww-perl/i,
  /wget/i,
  /scrapy/i,
  /phantomjs/i,
  /\b(bot|crawler|spider)\b/i,
];

const IMAGE_PROXY_USER_AGENTS = /GoogleImageProxy|YahooMailProxy|ggpht\.com/i;

function ms(value: Timestamp): number {
  return typeof value === 'number' ? value : value.getTime();
}

/** Apple's 17.0.0.0/8, the range its proxies fetch MPP content from. */
export function isAppleProxyIp(ip: string): boolean {
  return ipv4Octets(ip)?.[0] === 17;
}

export function isScannerUserAgent(userAgent: string | null | undefined): boolean {
  const ua = userAgent?.trim() ?? '';
  return ua === '' || SCANNER_USER_AGENTS.some((pattern) => pattern.test(ua));
}

/** Gmail's and Yahoo's image proxies. Their first load is a real open; use `isProxyRefetch` for repeats. */
export function isImageProxy(userAgent: string | null | undefined): boolean {
  return IMAGE_PROXY_USER_AGENTS.test(userAgent ?? '');
}

/** True when an image-proxy hit comes within 5 minutes of the previous open of the same message and recipient. */
export function isProxyRefetch(previousOpenAt: Timestamp | null | undefined, at: Timestamp): boolean {
  if (previousOpenAt === null || previousOpenAt === undefined) return false;
  const gap = ms(at) - ms(previousOpenAt);
  return gap >= 0 && gap < PROXY_REFETCH_WINDOW_MS;
}

/**
 * Pixel hits: Apple MPP (the bare `Mozilla/5.0` agent, or an Apple 17.0.0.0/8 address) is `apple_mpp`;
 * a HEAD request, a scanner agent or no agent at all is `image_proxy_prefetch`. Image proxies such as
 * GoogleImageProxy are human opens.
 */
export function classifyOpen(request: OpenRequest): OpenClassification {
  const ua = request.userAgent?.trim() ?? '';
  if (ua === APPLE_MPP_USER_AGENT || (request.ip && isAppleProxyIp(request.ip))) {
    return { machine: true, machineReason: 'apple_mpp' };
  }
  if (isImageProxy(ua)) return { machine: false };
  if (request.method.toUpperCase() === 'HEAD' || isScannerUserAgent(ua)) {
    return { machine: true, machineReason: 'image_proxy_prefetch' };
  }
  return { machine: false };
}

/**
 * Link hits: HEAD → `head_request`; a scanner agent or none → `scanner_ua`; a click within 2 s of
 * delivery, or within 1 s of a click on another link → `too_fast`.
 */
export function classifyClick(request: ClickRequest): ClickClassification {
  if (request.method.toUpperCase() === 'HEAD') return { bot: true, botReason: 'head_request' };
  if (isScannerUserAgent(request.userAgent)) return { bot: true, botReason: 'scanner_ua' };
  const at = ms(request.at);
  if (request.deliveredAt !== null && request.deliveredAt !== undefined) {
    if (at - ms(request.deliveredAt) < TOO_FAST_AFTER_DELIVERY_MS)
      return { bot: true, botReason: 'too_fast' };
  }
  if (request.recentClicksAt.some((other) => Math.abs(at - ms(other)) < MULTI_LINK_WINDOW_MS)) {
    return { bot: true, botReason: 'too_fast' };
  }
  return { bot: false };
}
