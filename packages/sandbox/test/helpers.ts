import { createSandbox, type Sandbox } from '../src/create-sandbox.js';

export interface Api {
  sandbox: Sandbox;
  call(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  post(path: string, body: unknown, key?: string): Promise<Response>;
  send(body: unknown, key?: string): Promise<Response>;
  /** `fetch` + `json()`; throws on a non-2xx status. */
  json(path: string, init?: RequestInit & { key?: string }): ReturnType<Response['json']>;
}

export const message = {
  from: 'Shop <ordre@shop.dk>',
  to: ['kunde@example.dk'],
  subject: 'Ordre #1042',
  html: '<p>Tak <a href="https://shop.dk/o/1042">se ordre</a></p>',
  text: 'Tak',
};

/** A sandbox on port 0 with a frozen clock and no SMTP relay, plus small fetch helpers. */
export async function startSandbox(): Promise<Api> {
  const sandbox = await createSandbox({ port: 0, smtpPort: null, clock: { frozen: true } });
  const call = (path: string, init: RequestInit & { key?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${init.key ?? sandbox.apiKey}`);
    if (init.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return fetch(`${sandbox.url}${path}`, { ...init, headers });
  };
  const post = (path: string, body: unknown, key?: string) =>
    call(path, { method: 'POST', body: JSON.stringify(body), ...(key ? { key } : {}) });
  return {
    sandbox,
    call,
    post,
    send: (body, key) => post('/v1/messages', body, key),
    async json(path, init) {
      const res = await call(path, init);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
  };
}
