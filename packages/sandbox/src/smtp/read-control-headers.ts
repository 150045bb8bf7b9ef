import { decodeEncodedWords } from './decode-encoded-words.js';
import { InvalidControlHeaderError } from './invalid-control-header-error.js';
import type { ClickTracking, ControlFields, RelayTemplate } from './relay-message.js';

export interface HeaderField {
  /** The name as it was sent (case kept). */
  name: string;
  /** The unfolded value, trimmed. */
  value: string;
}

export interface ControlHeaders {
  fields: ControlFields;
  idempotencyKey: string | undefined;
}

export const MAX_TEMPLATE_DATA_LENGTH = 8 * 1024;

const CONTROL_PREFIX = 'x-mp-';
const METADATA_PREFIX = 'x-mp-metadata-';
const CANONICAL_NAMES: Record<string, string> = {
  'x-mp-stream': 'X-MP-Stream',
  'x-mp-tag': 'X-MP-Tag',
  'x-mp-metadata': 'X-MP-Metadata',
  'x-mp-track-opens': 'X-MP-Track-Opens',
  'x-mp-track-clicks': 'X-MP-Track-Clicks',
  'x-mp-template': 'X-MP-Template',
  'x-mp-template-data': 'X-MP-Template-Data',
  'x-mp-send-at': 'X-MP-Send-At',
  'x-mp-idempotency-key': 'X-MP-Idempotency-Key',
  'x-mp-simulate': 'X-MP-Simulate',
};
const CLICK_MODES: readonly ClickTracking[] = ['none', 'html', 'text', 'all'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export function isControlHeader(name: string): boolean {
  return name.toLowerCase().startsWith(CONTROL_PREFIX);
}

function invalid(header: string, reason: string): never {
  throw new InvalidControlHeaderError(header, reason);
}

function parseTemplate(header: string, value: string): RelayTemplate {
  const match = /^([^@\s]+)(?:@(\d{1,9}))?$/.exec(value);
  if (!match) invalid(header, 'expected an alias or tmpl_ id with an optional @version');
  const [, name, version] = match;
  const template: RelayTemplate = name!.startsWith('tmpl_') ? { id: name! } : { alias: name! };
  if (version !== undefined) {
    const parsed = Number(version);
    if (parsed < 1) invalid(header, 'the version must be a positive integer');
    template.version = parsed;
  }
  return template;
}

function parseTemplateData(header: string, folded: string): Record<string, unknown> {
  const value = folded.replace(/\s+/g, '');
  if (value.length > MAX_TEMPLATE_DATA_LENGTH) {
    invalid(header, `longer than ${MAX_TEMPLATE_DATA_LENGTH} characters; send larger data through the API`);
  }
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value)) invalid(header, 'expected base64url');
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    invalid(header, 'expected base64url-encoded JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    invalid(header, 'expected a JSON object');
  return data as Record<string, unknown>;
}

function parseMetadataJson(header: string, value: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    invalid(header, 'expected a JSON object');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    invalid(header, 'expected a JSON object');
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(data)) {
    if (typeof entry !== 'string') invalid(header, `the value of "${key}" must be a string`);
    out[key] = entry;
  }
  return out;
}

/**
 * Read every `X-MP-*` header (contract §15). Throws `InvalidControlHeaderError` for a bad value, an
 * unknown `X-MP-*` name or a header given twice: a typo must not silently drop a tag or a key.
 */
export function readControlHeaders(headers: readonly HeaderField[]): ControlHeaders {
  const fields: ControlFields = {};
  let idempotencyKey: string | undefined;
  const perKeyMetadata: Record<string, string> = {};
  let jsonMetadata: Record<string, string> | undefined;
  let templateData: Record<string, unknown> | undefined;
  const seen = new Set<string>();

  for (const { name, value: raw } of headers) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(CONTROL_PREFIX)) continue;
    // nodemailer and other clients send unstructured values as RFC 2047 encoded words
    const value = decodeEncodedWords(raw).trim();
    if (seen.has(lower)) invalid(name, 'given more than once');
    seen.add(lower);

    if (lower.startsWith(METADATA_PREFIX)) {
      const key = name.slice(METADATA_PREFIX.length);
      if (!/^[\x21-\x39\x3b-\x7e]{1,64}$/.test(key))
        invalid(name, 'expected a metadata key after X-MP-Metadata-');
      perKeyMetadata[key] = value;
      continue;
    }
    const header = CANONICAL_NAMES[lower];
    if (header === undefined) invalid(name, 'unknown control header');
    switch (lower) {
      case 'x-mp-stream':
        if (!TOKEN.test(value)) invalid(header, 'expected a stream id');
        fields.stream = value;
        break;
      case 'x-mp-tag': {
        if (value.length === 0 || value.length > 100) invalid(header, 'expected 1 to 100 characters');
        fields.tag = value;
        break;
      }
      case 'x-mp-metadata':
        jsonMetadata = parseMetadataJson(header, value);
        break;
      case 'x-mp-track-opens': {
        const flag = value.toLowerCase();
        if (flag !== 'true' && flag !== 'false') invalid(header, 'expected true or false');
        fields.tracking = { ...fields.tracking, opens: flag === 'true' };
        break;
      }
      case 'x-mp-track-clicks': {
        const mode = value.toLowerCase() as ClickTracking;
        if (!CLICK_MODES.includes(mode)) invalid(header, 'expected none, html, text or all');
        fields.tracking = { ...fields.tracking, clicks: mode };
        break;
      }
      case 'x-mp-template':
        fields.template = parseTemplate(header, value);
        break;
      case 'x-mp-template-data':
        templateData = parseTemplateData(header, value);
        break;
      case 'x-mp-send-at': {
        if (!RFC3339.test(value) || Number.isNaN(Date.parse(value)))
          invalid(header, 'expected an RFC 3339 timestamp');
        fields.scheduledAt = new Date(value).toISOString();
        break;
      }
      case 'x-mp-idempotency-key':
        if (!IDEMPOTENCY_KEY.test(value)) invalid(header, 'expected 1 to 255 printable ASCII characters');
        idempotencyKey = value;
        break;
      case 'x-mp-simulate':
        if (!TOKEN.test(value)) invalid(header, 'expected a scenario name');
        fields.sandbox = { simulate: value };
        break;
    }
  }

  if (templateData !== undefined) {
    if (fields.template === undefined) invalid('X-MP-Template-Data', 'X-MP-Template is missing');
    fields.template.data = templateData;
  }
  if (Object.keys(perKeyMetadata).length > 0 || jsonMetadata !== undefined) {
    fields.metadata = { ...perKeyMetadata, ...jsonMetadata };
  }
  return { fields, idempotencyKey };
}
