export {
  type ApplyTrackingInput,
  type ApplyTrackingResult,
  applyTracking,
  type ClickTracking,
  decodeHtmlEntities,
  type TrackedLink,
} from './apply-tracking.js';
export {
  APPLE_MPP_USER_AGENT,
  type ClickClassification,
  type ClickRequest,
  classifyClick,
  classifyOpen,
  isAppleProxyIp,
  isImageProxy,
  isProxyRefetch,
  isScannerUserAgent,
  MULTI_LINK_WINDOW_MS,
  type OpenClassification,
  type OpenRequest,
  PROXY_REFETCH_WINDOW_MS,
  SCANNER_USER_AGENTS,
  type Timestamp,
  TOO_FAST_AFTER_DELIVERY_MS,
} from './classify.js';
export { truncateIp } from './ip.js';
