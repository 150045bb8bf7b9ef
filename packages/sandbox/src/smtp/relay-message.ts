/** An address as the relay hands it to `submit` (the API's `{ email, name }` form). */
export interface RelayAddress {
  email: string;
  name?: string;
}

export interface RelayAttachment {
  filename?: string;
  contentType: string;
  /** base64 */
  content: string;
  contentId: string | null;
  disposition: 'attachment' | 'inline';
}

export type ClickTracking = 'none' | 'html' | 'text' | 'all';

export interface RelayTemplate {
  alias?: string;
  id?: string;
  version?: number;
  data?: Record<string, unknown>;
}

/** The `SendMessageRequest`-shaped message the relay builds from an SMTP transaction (contract §5, §15). */
export interface RelayMessage {
  from: RelayAddress;
  to: RelayAddress[];
  cc?: RelayAddress[];
  bcc?: RelayAddress[];
  replyTo?: RelayAddress[];
  subject?: string;
  html?: string;
  text?: string;
  template?: RelayTemplate;
  stream?: string;
  tag?: string;
  metadata?: Record<string, string>;
  headers?: Record<string, string>;
  attachments?: RelayAttachment[];
  tracking?: { opens?: boolean; clicks?: ClickTracking };
  scheduledAt?: string;
  sandbox?: { simulate: string };
}

/** Message fields that come from `X-MP-*` control headers. */
export type ControlFields = Pick<
  RelayMessage,
  'stream' | 'tag' | 'metadata' | 'tracking' | 'template' | 'scheduledAt' | 'sandbox'
>;
