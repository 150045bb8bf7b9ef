import type { ListBouncesQuery } from '@mailplatform/sdk';
import type { Session } from '../session.js';
import { type ListOptions, listQuery, printList } from './list.js';

export interface BouncesListOptions extends ListOptions {
  class?: string;
  type?: string;
  stream?: string;
}

export async function bouncesList(s: Session, o: BouncesListOptions): Promise<void> {
  const client = await s.client();
  const query = {
    ...listQuery(s, o),
    ...(o.class ? { class: o.class } : {}),
    ...(o.type ? { type: o.type } : {}),
    ...(o.stream ? { stream: o.stream } : {}),
  } as ListBouncesQuery;
  await printList(s, client.bounces.list(query, { signal: s.ctx.signal }), o.all, [
    { key: 'timestamp' },
    { key: 'recipient' },
    { key: 'class' },
    { key: 'type' },
    { key: 'enhancedCode', header: 'code' },
    { key: 'diagnostic' },
  ]);
}
