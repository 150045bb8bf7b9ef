import { UsageError } from '../errors.js';
import type { Session } from '../session.js';

const SIMULATOR_DOMAIN = 'sim.mailplatform.test';

/** The simulator address (platform-contract §17) whose scenario emits each event type. */
const TRIGGERS: Record<string, string> = {
  'message.delivered': 'delivered',
  'message.bounced': 'hard-bounce',
  'message.deferred': 'greylisted',
  'message.complained': 'complaint',
  'message.unsubscribed': 'unsubscribe',
  'message.opened': 'open',
  'message.clicked': 'click',
  'message.suppressed': 'suppressed',
  'message.auto_replied': 'ooto',
};

export async function webhooksList(s: Session): Promise<void> {
  const client = await s.client();
  const page = await client.webhookEndpoints.list({}, { signal: s.ctx.signal });
  s.out.list(page.data, [{ key: 'id' }, { key: 'url' }, { key: 'events' }, { key: 'enabled' }]);
}

export async function webhooksCreate(
  s: Session,
  o: { url: string; events?: string; description?: string },
): Promise<void> {
  const client = await s.client();
  const endpoint = await client.webhookEndpoints.create(
    {
      url: o.url,
      ...(o.events ? { events: o.events.split(',').map((e) => e.trim()) } : {}),
      ...(o.description ? { description: o.description } : {}),
    } as Parameters<typeof client.webhookEndpoints.create>[0],
    { signal: s.ctx.signal },
  );
  s.out.object(endpoint, [{ key: 'id' }, { key: 'url' }, { key: 'events' }, { key: 'secret' }]);
  if (!s.out.machine) s.out.note('the secret is shown only now: store it (MAILPLATFORM_WEBHOOK_SECRET)');
}

export async function webhooksDelete(s: Session, _o: object, [id = '']: string[]): Promise<void> {
  const client = await s.client();
  await client.webhookEndpoints.remove(id, { signal: s.ctx.signal });
  s.out.result({ id, deleted: true }, `deleted ${id}`);
}

export async function webhooksTest(s: Session, _o: object, [id = '']: string[]): Promise<void> {
  const client = await s.client();
  const delivery = await client.webhookEndpoints.test(id, { signal: s.ctx.signal });
  s.out.object(delivery);
}

export async function webhooksTrigger(
  s: Session,
  o: { from?: string },
  [type = '']: string[],
): Promise<void> {
  const local = TRIGGERS[type];
  if (!local)
    throw new UsageError(`cannot trigger "${type}"`, `event types: ${Object.keys(TRIGGERS).join(', ')}`);
  const from = o.from ?? s.settings.profileConfig.defaultFrom ?? s.settings.project?.defaultFrom;
  if (!from) throw new UsageError('--from is required', 'or `mailplatform config set defaultFrom …`');
  const client = await s.client();
  const to = `${local}+cli@${SIMULATOR_DOMAIN}`;
  const result = await client.messages.send(
    {
      from,
      to: [to],
      subject: `mailplatform webhooks trigger ${type}`,
      text: `Triggers ${type}.`,
      tag: 'cli-trigger',
    },
    { signal: s.ctx.signal },
  );
  s.out.result({ type, to, messageId: result.id }, `sent ${result.id} to ${to}: expect ${type}`);
}
