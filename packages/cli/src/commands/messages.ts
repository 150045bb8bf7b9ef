import type { ListMessagesQuery } from '@mailplatform/sdk';
import { writeFileAtomic } from '../config/atomic-write.js';
import type { Session } from '../session.js';
import { type ListOptions, listQuery, printList } from './list.js';
import { assertWritableTarget } from './local-files.js';

export interface MessagesListOptions extends ListOptions {
  to?: string;
  from?: string;
  subject?: string;
  tag?: string;
  stream?: string;
  status?: string;
}

const MESSAGE_COLUMNS = [
  { key: 'id' },
  { key: 'status' },
  { key: 'to' },
  { key: 'subject' },
  { key: 'tag' },
  { key: 'submittedAt', header: 'submitted' },
];

export async function messagesList(s: Session, o: MessagesListOptions): Promise<void> {
  const client = await s.client();
  const query = {
    ...listQuery(s, o),
    ...(o.to ? { recipient: o.to } : {}),
    ...(o.from ? { from: o.from } : {}),
    ...(o.subject ? { subject: o.subject } : {}),
    ...(o.tag ? { tag: o.tag } : {}),
    ...(o.stream ? { stream: o.stream } : {}),
    ...(o.status ? { status: o.status } : {}),
  } as ListMessagesQuery;
  await printList(s, client.messages.list(query, { signal: s.ctx.signal }), o.all, MESSAGE_COLUMNS);
}

export async function messagesGet(s: Session, _o: object, [id = '']: string[]): Promise<void> {
  const client = await s.client();
  const message = await client.messages.get(id, { signal: s.ctx.signal });
  s.out.object(message);
}

export async function messagesEvents(s: Session, _o: object, [id = '']: string[]): Promise<void> {
  const client = await s.client();
  await printList(s, client.messages.events(id, {}, { signal: s.ctx.signal }), true, [
    { key: 'timestamp' },
    { key: 'type' },
    { key: 'data.recipient', header: 'recipient' },
    { key: 'id' },
  ]);
}

export async function messagesRaw(s: Session, o: { save?: string }, [id = '']: string[]): Promise<void> {
  if (o.save) await assertWritableTarget(o.save, '--save');
  const client = await s.client();
  const mime = await client.messages.raw(id, { signal: s.ctx.signal });
  if (o.save) {
    await writeFileAtomic(o.save, mime, { mode: 0o644 });
    s.out.note(`saved ${id} to ${o.save}`);
  } else s.ctx.stdout.write(mime);
}
