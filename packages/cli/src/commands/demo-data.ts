import type { CreateTemplateRequest, SendMessageInput } from '@mailplatform/sdk';

/** The simulator domain of the platform contract (§17): the local part picks the outcome. */
export const SIMULATOR_DOMAIN = 'sim.mailplatform.test';

export const DEMO_FROM = 'Nordlys Kaffe <ordre@nordlys-kaffe.dk>';

export const DEMO_LAYOUT: CreateTemplateRequest = {
  alias: 'shop-layout',
  name: 'Nordlys Kaffe – ramme',
  subject: 'Nordlys Kaffe',
  html: `<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><style>
  body { font-family: Helvetica, Arial, sans-serif; color: #2b2118; background: #f6f1ea; }
  .frame { max-width: 600px; margin: 0 auto; background: #ffffff; padding: 24px; }
  .footer { color: #8a7a6a; font-size: 12px; }
</style></head>
<body><div class="frame">
  <h1>Nordlys Kaffe</h1>
  {{{body}}}
  <p class="footer">Nordlys Kaffe ApS · Værkstedsgade 7 · 8000 Aarhus C · CVR 12345678</p>
</div></body>
</html>`,
  text: `NORDLYS KAFFE

{{{body}}}

--
Nordlys Kaffe ApS, Værkstedsgade 7, 8000 Aarhus C`,
  locale: 'da-DK',
  timezone: 'Europe/Copenhagen',
};

export const DEMO_TEMPLATE: Omit<CreateTemplateRequest, 'layoutId'> = {
  alias: 'order-confirmation',
  name: 'Ordrebekræftelse',
  subject: 'Tak for din ordre #{{orderNo}}, {{firstName}}',
  html: `<p>Hej {{firstName}},</p>
<p>Tak for din bestilling. Vi pakker den i dag og sender den med {{carrier}}.</p>
<table>
  {{#each lines}}<tr><td>{{qty}} × {{name}}</td><td>{{currency price "DKK"}}</td></tr>
  {{/each}}
  <tr><td><strong>I alt (inkl. moms)</strong></td><td><strong>{{currency total "DKK"}}</strong></td></tr>
</table>
<p><a href="https://nordlys-kaffe.dk/ordre/{{orderNo}}">Følg din ordre</a></p>
<p>Venlig hilsen<br>Søren fra Nordlys Kaffe</p>`,
  locale: 'da-DK',
  timezone: 'Europe/Copenhagen',
};

const CUSTOMERS = [
  { firstName: 'Åse', scenario: 'delivered' },
  { firstName: 'Bjørn', scenario: 'open' },
  { firstName: 'Mette', scenario: 'click' },
  { firstName: 'Søren', scenario: 'mpp-open' },
  { firstName: 'Lærke', scenario: 'bot-click' },
  { firstName: 'Frederik', scenario: 'soft-bounce' },
  { firstName: 'Ærøskøbing Is', scenario: 'hard-bounce' },
  { firstName: 'Jens', scenario: 'deleted' },
  { firstName: 'Ida', scenario: 'no-domain' },
  { firstName: 'Kasper', scenario: 'complaint' },
  { firstName: 'Nanna', scenario: 'blocked' },
  { firstName: 'Mads', scenario: 'greylisted' },
] as const;

const PRODUCTS = [
  { name: 'Espresso Nordlys, 500 g', price: 129.95 },
  { name: 'Filterkaffe Mørkristet, 1 kg', price: 219 },
  { name: 'Kaffefiltre nr. 4 (100 stk.)', price: 24.5 },
  { name: 'Krus i stentøj, blåt', price: 89 },
];

export interface DemoSend {
  via: 'api' | 'smtp';
  scenario: string;
  to: string;
  message: SendMessageInput;
}

/** Twelve order confirmations (one per simulator scenario), every third over SMTP, the rest over the API. */
export function demoSends(smtp: boolean): DemoSend[] {
  return CUSTOMERS.map((customer, index) => {
    const lines = PRODUCTS.slice(0, 1 + (index % PRODUCTS.length)).map((p, i) => ({
      name: p.name,
      qty: 1 + ((index + i) % 3),
      price: p.price * (1 + ((index + i) % 3)),
    }));
    const total = Math.round(lines.reduce((sum, l) => sum + l.price, 0) * 100) / 100;
    const orderNo = String(10_420 + index);
    const to = `${customer.scenario}+ordre${orderNo}@${SIMULATOR_DOMAIN}`;
    return {
      to,
      via: smtp && index % 3 === 2 ? 'smtp' : 'api',
      scenario: customer.scenario,
      message: {
        from: DEMO_FROM,
        to: [to],
        template: {
          alias: DEMO_TEMPLATE.alias,
          data: { firstName: customer.firstName, orderNo, carrier: 'PostNord', lines, total },
        },
        tag: 'order-confirmation',
        metadata: { orderNo },
      } as SendMessageInput,
    };
  });
}
