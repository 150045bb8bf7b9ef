import { describe, expect, it } from 'vitest';
import { extractVariables, renderTemplate, TemplateRenderError } from './index.js';

const LAYOUT = {
  html: `<!doctype html>
<html><head><style>
  .frame { background: #f4f1ea; padding: 24px; }
  .footer { color: #777777; font-size: 12px; }
</style></head>
<body><div class="frame"><img src="https://shop.dk/logo.png" alt="Køkkenbutikken">{{{body}}}
<p class="footer">Køkkenbutikken ApS · Åboulevarden 1 · 8000 Aarhus C</p></div></body></html>`,
  text: '{{{body}}}\n\n-- \nKøkkenbutikken ApS, Åboulevarden 1, 8000 Aarhus C',
};

const ORDER = {
  subject: 'Ordrebekræftelse #{{orderNo}}',
  html: `<style>.price { text-align: right; font-weight: bold; }</style>
<h1>Tak for din ordre, {{customer.firstName}}!</h1>
<p>Ordre {{orderNo}} blev afgivet {{date placedAt "long"}} ({{date placedAt "datetime"}}).</p>
<table>
{{#each lines}}<tr><td>{{@index}}. {{name}}</td><td>{{number qty}} stk.</td><td class="price">{{currency price "DKK"}}</td></tr>
{{/each}}</table>
{{#if discountCode}}<p>Rabatkode: {{discountCode}}</p>{{/if}}
<p>I alt: <strong>{{currency total "DKK"}}</strong></p>
<p><a href="https://shop.dk/ordre/{{orderNo}}">Se din ordre</a></p>`,
};

const DATA = {
  orderNo: '1042',
  customer: { firstName: 'Søren' },
  placedAt: '2025-03-14T08:00:04.512Z',
  lines: [
    { name: 'Støbejernsgryde "Æble"', qty: 1, price: 1234.5 },
    { name: 'Grydelapper <2 stk>', qty: 2, price: 89 },
  ],
  total: 1323.5,
};

describe('renderTemplate: a Danish order confirmation', () => {
  const result = renderTemplate({ ...ORDER, layout: LAYOUT, data: DATA });

  it('renders the subject without HTML escaping', () => {
    expect(
      renderTemplate({
        subject: 'Ordre #{{orderNo}} – {{shop}}',
        data: { orderNo: '1042', shop: 'Bøger & Blade' },
      }).subject,
    ).toBe('Ordre #1042 – Bøger & Blade');
    expect(result.subject).toBe('Ordrebekræftelse #1042');
  });

  // Intl puts a no-break space (U+00A0) between the amount and "kr.", so a price never wraps.
  it('formats prices, numbers and dates for da-DK in Europe/Copenhagen', () => {
    expect(result.html).toContain('1.234,50\u00a0kr.');
    expect(result.html).toContain('89,00\u00a0kr.');
    expect(result.html).toContain('1.323,50\u00a0kr.');
    expect(result.html).toContain('afgivet 14. marts 2025 (14. marts 2025 kl. 09.00)');
  });

  it('loops with @index and escapes values', () => {
    expect(result.html).toContain('<td>0. Støbejernsgryde &quot;Æble&quot;</td><td>1 stk.</td>');
    expect(result.html).toContain('<td>1. Grydelapper &lt;2 stk&gt;</td><td>2 stk.</td>');
  });

  it('wraps the body in the layout and keeps æøå as characters', () => {
    expect(result.html).toMatch(
      /<img src="https:\/\/shop.dk\/logo.png" alt="Køkkenbutikken"[^>]*>\s*<h1>Tak for din ordre, Søren!<\/h1>/,
    );
    expect(result.html).toContain('Køkkenbutikken ApS · Åboulevarden 1 · 8000 Aarhus C');
  });

  it('inlines the CSS of the template and the layout and removes the <style> blocks', () => {
    expect(result.html).not.toContain('<style');
    expect(result.html).toContain('<div class="frame" style="background: #f4f1ea; padding: 24px;">');
    expect(result.html).toContain(
      '<td class="price" style="text-align: right; font-weight: bold;" align="right">1.234,50\u00a0kr.</td>',
    );
    expect(result.html).toContain('<p class="footer" style="color: #777777; font-size: 12px;">');
  });

  it('generates the text from the body html inside the layout text', () => {
    expect(result.text).toContain('TAK FOR DIN ORDRE, SØREN!');
    expect(result.text).toMatch(/^0\. Støbejernsgryde "Æble" +1 stk\. +1\.234,50\u00a0kr\.$/m);
    expect(result.text).toMatch(/^1\. Grydelapper <2 stk> +2 stk\. +89,00\u00a0kr\.$/m);
    expect(result.text).toContain('Se din ordre [https://shop.dk/ordre/1042]');
    expect(result.text).toMatch(/\n\n-- \nKøkkenbutikken ApS, Åboulevarden 1, 8000 Aarhus C$/);
    expect(result.text).not.toContain('logo.png');
  });

  it('reports nothing missing and no warnings (the absent #if condition is optional)', () => {
    expect(result.missingVariables).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

describe('renderTemplate: parts and layout', () => {
  it('generates text from the whole html when there is no layout text', () => {
    const { text, html } = renderTemplate({
      html: '<p>Hej {{name}}</p>',
      layout: { html: '<div>{{{body}}}<p>Hilsen</p></div>' },
      data: { name: 'Åse' },
    });
    expect(html).toBe('<div><p>Hej Åse</p><p>Hilsen</p></div>');
    expect(text).toBe('Hej Åse\n\nHilsen');
  });

  it('uses the given text part, unescaped, and no html', () => {
    const result = renderTemplate({ text: 'Hej {{name}} & velkommen', data: { name: '<Åse>' } });
    expect(result).toEqual({
      subject: '',
      html: undefined,
      text: 'Hej <Åse> & velkommen',
      missingVariables: [],
      warnings: [],
    });
  });

  it('accepts an escaped {{body}} in the layout without double escaping', () => {
    expect(renderTemplate({ html: '<b>x</b>', layout: { html: '<div>{{body}}</div>' }, data: {} }).html).toBe(
      '<div><b>x</b></div>',
    );
  });

  it('warns when the layout has no body slot', () => {
    const result = renderTemplate({ html: '<b>x</b>', layout: { html: '<div>frame</div>' }, data: {} });
    expect(result.html).toBe('<div>frame</div>');
    expect(result.warnings).toEqual(['The layout html has no {{{body}}} slot']);
  });

  it('renders {{{raw}}} without escaping', () => {
    expect(renderTemplate({ html: '{{{snippet}}}', data: { snippet: '<em>hej</em>' } }).html).toBe(
      '<em>hej</em>',
    );
  });

  it('escapes script injection in {{x}}', () => {
    const { html } = renderTemplate({
      html: '<p title="{{name}}">{{name}}</p>',
      data: { name: '"><script>alert(1)</script>' },
    });
    expect(html).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  it('does not expose prototype properties', () => {
    const result = renderTemplate({ html: '{{constructor.name}}', data: {} });
    expect(result.html).toBe('');
    expect(result.missingVariables).toEqual(['constructor.name']);
  });

  it('works with other locales, currencies and zones', () => {
    const { html } = renderTemplate({
      html: '{{currency total "EUR"}} {{number qty decimals=2}} {{date at "datetime"}}',
      data: { total: 1234.5, qty: 3, at: '2025-07-01T12:00:00Z' },
      locale: 'en-GB',
      timezone: 'UTC',
    });
    expect(html).toBe('€1,234.50 3.00 1 July 2025 at 12:00');
  });

  it('reads Mustache-style sections and parent lookups', () => {
    const { html, missingVariables } = renderTemplate({
      html: '{{#lines}}{{name}} ({{orderNo}}) {{/lines}}{{^gift}}ingen gave{{/gift}}',
      data: { orderNo: 7, lines: [{ name: 'a' }, { name: 'b' }] },
    });
    expect(html).toBe('a (7) b (7) ingen gave');
    expect(missingVariables).toEqual([]);
  });

  it('warns about values the helpers cannot format', () => {
    const result = renderTemplate({
      html: '[{{currency total}}][{{date at}}]',
      data: { total: 'mange', at: 'i går' },
    });
    expect(result.html).toBe('[][]');
    expect(result.warnings).toEqual(['currency: "mange" is not a number', 'date: "i går" is not a date']);
  });
});

describe('renderTemplate: missing variables', () => {
  it('lists absent variables, including inside loops, instead of leaving them silently blank', () => {
    const result = renderTemplate({
      subject: 'Ordre #{{orderNo}}',
      html: '{{#each lines}}{{name}} {{sku}} {{../currency}} {{@index}}{{/each}} {{customer.email}} {{currency total "DKK"}}',
      data: { lines: [{ name: 'a', sku: 1 }, { name: 'b' }], customer: {} },
    });
    expect(result.missingVariables).toEqual([
      'orderNo',
      'currency',
      'lines[].sku',
      'customer.email',
      'total',
    ]);
    expect(result.subject).toBe('Ordre #');
  });

  it('reports an absent #each list, and nested lists by path', () => {
    expect(
      renderTemplate({
        html: '{{#each orders}}{{#each lines}}{{name}}{{/each}}{{/each}}{{#each missing}}x{{/each}}',
        data: { orders: [{ lines: [{}] }] },
      }).missingVariables,
    ).toEqual(['orders[].lines[].name', 'missing']);
  });

  it('resolves this, block params, #with and @root', () => {
    const result = renderTemplate({
      html: '{{#each lines as |line i|}}{{line.name}}{{i}}{{this.qty}}{{/each}}{{#with customer}}{{name}}{{city}}{{/with}}{{@root.shop}}',
      data: { lines: [{ name: 'a' }], customer: { name: 'Ø' } },
    });
    expect(result.missingVariables).toEqual(['lines[].qty', 'customer.city', 'shop']);
  });

  it('checks only the branch that renders', () => {
    const template = '{{#if vip}}{{vipCode}}{{else}}{{regularCode}}{{/if}}';
    expect(renderTemplate({ html: template, data: { vip: true } }).missingVariables).toEqual(['vipCode']);
    expect(renderTemplate({ html: template, data: {} }).missingVariables).toEqual(['regularCode']);
  });

  it('treats null as present and undefined as absent', () => {
    expect(renderTemplate({ html: '{{a}}{{b}}', data: { a: null, b: undefined } }).missingVariables).toEqual([
      'b',
    ]);
  });

  it('strict throws TemplateRenderError with the list', () => {
    const run = () =>
      renderTemplate({
        subject: '{{orderNo}}',
        html: '{{#each lines}}{{name}}{{/each}}',
        data: { lines: [{}] },
        strict: true,
      });
    expect(run).toThrow(TemplateRenderError);
    expect(run).toThrow(
      expect.objectContaining({
        message: 'Missing template variables: orderNo, lines[].name',
        code: 'template_render_failed',
        missingVariables: ['orderNo', 'lines[].name'],
      }),
    );
  });
});

describe('renderTemplate: errors', () => {
  function caught(run: () => unknown): TemplateRenderError {
    try {
      run();
    } catch (error) {
      if (error instanceof TemplateRenderError) return error;
      throw error;
    }
    throw new Error('expected a TemplateRenderError');
  }

  it('a syntax error names the part and the line', () => {
    const error = caught(() => renderTemplate({ html: '<p>\n{{#if x}}\n{{name', data: {} }));
    expect(error.code).toBe('template_render_failed');
    expect(error.part).toBe('html');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^Template syntax error in html at line 3: Parse error on line 3:/);
  });

  it('a mismatched block names line and column', () => {
    const error = caught(() => renderTemplate({ subject: 'x', text: 'a\n{{#if x}}\nb{{/each}}', data: {} }));
    expect(error).toMatchObject({
      part: 'text',
      line: 2,
      column: 3,
      message: "Template syntax error in text at line 2, column 3: if doesn't match each - 2:3",
    });
  });

  it('an unknown helper and a missing partial fail', () => {
    expect(caught(() => renderTemplate({ html: '{{shout name}}', data: { name: 'a' } })).message).toBe(
      'Template error in html: Missing helper: "shout"',
    );
    expect(caught(() => renderTemplate({ html: '{{> footer}}', data: {} })).message).toBe(
      'Template error in html: The partial footer could not be found',
    );
  });

  it('a helper without a value explains itself', () => {
    expect(caught(() => renderTemplate({ html: '{{date}}', data: { date: 'x' } })).message).toBe(
      'Template error in html: The date helper needs a value, e.g. {{date total}}; write {{this.date}} for a field named date',
    );
    expect(renderTemplate({ html: '{{this.date}}', data: { date: 'x' } }).html).toBe('x');
  });

  it('an unknown date format fails', () => {
    expect(
      caught(() => renderTemplate({ html: '{{date at "medium"}}', data: { at: '2025-01-01' } })).message,
    ).toBe('Template error in html: Unknown date format "medium"; use "short", "long" or "datetime"');
  });

  it('an unknown time zone fails before rendering', () => {
    expect(caught(() => renderTemplate({ html: 'x', data: {}, timezone: 'Europe/Aarhus' })).message).toMatch(
      /^Invalid locale "da-DK" or time zone "Europe\/Aarhus": /,
    );
  });
});

describe('extractVariables', () => {
  it('lists the variables of the order confirmation', () => {
    expect(extractVariables({ subject: ORDER.subject, html: ORDER.html })).toEqual([
      'orderNo',
      'customer.firstName',
      'placedAt',
      'lines[].name',
      'lines[].qty',
      'lines[].price',
      'discountCode',
      'total',
    ]);
  });

  it('takes a single source', () => {
    expect(extractVariables('Ordre #{{orderNo}}: {{#each lines}}{{name}}{{/each}}')).toEqual([
      'orderNo',
      'lines[].name',
    ]);
  });

  it('handles this, ../, @root, block params, #with, sections and sub-expressions', () => {
    expect(
      extractVariables(
        '{{#each tags}}{{this}}{{../shop}}{{/each}}{{#each lines as |l|}}{{l.sku}}{{/each}}{{#with customer}}{{name}}{{/with}}{{@root.brand}}{{#items}}{{title}}{{/items}}{{currency (lookup prices currency) "DKK"}}',
      ),
    ).toEqual([
      'tags[]',
      'shop',
      'lines[].sku',
      'customer.name',
      'brand',
      'items[].title',
      'prices',
      'currency',
    ]);
  });

  it('throws TemplateRenderError on a syntax error', () => {
    expect(() => extractVariables('{{#each x}}')).toThrow(TemplateRenderError);
  });
});
