import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, startSandbox } from './helpers.js';

let api: Api;
beforeAll(async () => {
  api = await startSandbox();
});
afterAll(async () => {
  await api.sandbox.close();
});

const order = {
  alias: 'order-confirmation',
  name: 'Ordrebekræftelse',
  subject: 'Ordre #{{orderNo}}',
  html: '<style>p{color:red}</style><p>Hej {{customer.name}}</p>{{#each lines}}<p>{{name}}: {{currency price "DKK"}}</p>{{/each}}',
  text: 'Hej {{customer.name}}',
};

describe('templates', () => {
  it('creates, lists, gets by id or alias, versions on PATCH and deletes', async () => {
    const res = await api.post('/v1/templates', order);
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      alias: 'order-confirmation',
      name: 'Ordrebekræftelse',
      version: 1,
      layoutId: null,
      editor: null,
      locale: null,
    });
    expect(created.id).toMatch(/^tmpl_/);
    expect([...created.variables].sort()).toEqual([
      'customer.name',
      'lines[].name',
      'lines[].price',
      'orderNo',
    ]);

    expect((await api.json(`/v1/templates/${created.id}`)).alias).toBe('order-confirmation');
    const patched = await api.json('/v1/templates/order-confirmation', {
      method: 'PATCH',
      body: JSON.stringify({ subject: 'Din ordre {{orderNo}} er modtaget', text: null }),
    });
    expect(patched).toMatchObject({ id: created.id, version: 2, text: null, html: order.html });
    expect(patched.subject).toBe('Din ordre {{orderNo}} er modtaget');

    const v1 = await api.json('/v1/templates/order-confirmation?version=1');
    expect(v1).toMatchObject({ version: 1, subject: 'Ordre #{{orderNo}}', text: 'Hej {{customer.name}}' });
    expect((await api.json('/v1/templates/order-confirmation')).version).toBe(2);
    const missingVersion = await api.call('/v1/templates/order-confirmation?version=9');
    expect(missingVersion.status).toBe(404);
    const badVersion = await api.call('/v1/templates/order-confirmation?version=x');
    expect((await badVersion.json()).code).toBe('invalid_query');

    const list = await api.json('/v1/templates');
    expect(list).toMatchObject({ hasMore: false, nextCursor: null });
    expect(list.data.map((t: { id: string }) => t.id)).toEqual([created.id]);

    const del = await api.call(`/v1/templates/${created.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await api.call('/v1/templates/order-confirmation')).status).toBe(404);
  });

  it('answers 409 conflict for an alias that exists, also on PATCH', async () => {
    expect((await api.post('/v1/templates', { ...order, alias: 'dup' })).status).toBe(201);
    const again = await api.post('/v1/templates', { ...order, alias: 'dup' });
    expect(again.status).toBe(409);
    const body = await again.json();
    expect(body.code).toBe('conflict');
    expect(body.detail).toContain('dup');
    expect((await api.post('/v1/templates', { ...order, alias: 'other' })).status).toBe(201);
    const rename = await api.call('/v1/templates/other', {
      method: 'PATCH',
      body: JSON.stringify({ alias: 'dup' }),
    });
    expect(rename.status).toBe(409);
  });

  it('validates bodies with the SDK schemas', async () => {
    const res = await api.post('/v1/templates', { alias: 'Bad Alias', name: 'x', subject: 's' });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/alias', '/html']);
    const unknownField = await api.post('/v1/templates', { ...order, alias: 'u', colour: 'red' });
    expect((await unknownField.json()).errors[0].code).toBe('unrecognized_keys');
    const badLayout = await api.post('/v1/templates', { ...order, alias: 'l', layoutId: 'tmpl_NOPE' });
    expect((await badLayout.json()).errors).toEqual([
      { pointer: '/layoutId', code: 'template_not_found', message: 'No layout template tmpl_NOPE' },
    ]);
    const syntax = await api.post('/v1/templates', { ...order, alias: 's', html: '<p>{{#if x}}</p>' });
    expect(syntax.status).toBe(422);
    expect((await syntax.json()).code).toBe('template_render_failed');
  });

  it('renders with data, reports missing variables and applies the layout', async () => {
    const layout = await (
      await api.post('/v1/templates', {
        alias: 'frame',
        name: 'Frame',
        subject: 'unused',
        html: '<div class="frame">{{{body}}}<footer>Shop ApS</footer></div>',
      })
    ).json();
    await api.post('/v1/templates', { ...order, alias: 'with-layout', layoutId: layout.id });
    const res = await api.post('/v1/templates/with-layout/render', {
      data: { orderNo: 1042, lines: [{ name: 'Sko', price: 499.5 }] },
    });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out.subject).toBe('Ordre #1042');
    expect(out.html).toContain('<div class="frame">');
    expect(out.html).toContain('<footer>Shop ApS</footer>');
    expect(out.html).toContain('<p style="color: red;">Sko: 499,50');
    expect(out.missingVariables).toEqual(['customer.name']);
    expect(out.text).toBe('Hej ');
    expect(out.warnings).toEqual([]);

    const version = await api.post('/v1/templates/with-layout/render', { data: {}, version: 3 });
    expect(version.status).toBe(404);
    const bad = await api.post('/v1/templates/with-layout/render', { data: [], timezone: 'Mars/Base' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/data',
      '/timezone',
    ]);
  });

  it('sends with a template, and rejects an unknown template or missing variables', async () => {
    await api.post('/v1/templates', { ...order, alias: 'send-me' });
    const data = { orderNo: 7, customer: { name: 'Ane' }, lines: [] };
    const sent = await api.send({
      from: 'ordre@shop.dk',
      to: ['ane@example.dk'],
      template: { alias: 'send-me', data },
    });
    expect(sent.status).toBe(202);
    const { id } = await sent.json();
    const stored = await api.json(`/v1/messages/${id}`);
    expect(stored.subject).toBe('Ordre #7');
    expect(stored.template).toMatchObject({ alias: 'send-me', version: 1 });

    const unknown = await api.send({
      from: 'ordre@shop.dk',
      to: ['ane@example.dk'],
      template: { alias: 'nope', data },
    });
    expect(unknown.status).toBe(422);
    const problem = await unknown.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.detail).toBe('Template nope does not exist');
    expect(problem.errors).toEqual([
      { pointer: '/template', code: 'template_not_found', message: 'No template nope' },
    ]);

    const missing = await api.send({
      from: 'ordre@shop.dk',
      to: ['ane@example.dk'],
      template: { alias: 'send-me', data: { orderNo: 7 } },
    });
    expect(missing.status).toBe(422);
    const missingBody = await missing.json();
    expect(missingBody.code).toBe('template_render_failed');
    expect(missingBody.missingVariables).toEqual(['customer.name', 'lines']);
  });
});
