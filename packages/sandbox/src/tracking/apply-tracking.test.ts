import { describe, expect, it } from 'vitest';
import { type ApplyTrackingInput, applyTracking, decodeHtmlEntities } from './index.js';

const BASE = 'http://127.0.0.1:4400';

function run(overrides: Partial<ApplyTrackingInput>) {
  const issued: Array<{ url: string; index: number }> = [];
  const result = applyTracking({
    baseUrl: `${BASE}/`,
    token: (link) => {
      issued.push(link);
      return `tok${link.index}`;
    },
    openToken: 'open123',
    opens: true,
    clicks: 'all',
    ...overrides,
  });
  return { ...result, issued };
}

const PIXEL =
  '<img src="http://127.0.0.1:4400/t/o/open123" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0;overflow:hidden" />';

describe('applyTracking: open pixel', () => {
  it('goes before the last </body>', () => {
    const { html } = run({ html: '<html><body><p>Hej</p></BODY ></html>', clicks: 'none' });
    expect(html).toBe(`<html><body><p>Hej</p>${PIXEL}</BODY ></html>`);
  });

  it('is appended to a fragment without </body>', () => {
    expect(run({ html: '<p>Hej</p>', clicks: 'none' }).html).toBe(`<p>Hej</p>${PIXEL}`);
  });

  it('is left out when opens is false, and never touches text', () => {
    const result = run({ html: '<p>Hej</p>', text: 'Hej', opens: false, clicks: 'none' });
    expect(result).toEqual({ html: '<p>Hej</p>', text: 'Hej', links: [], issued: [] });
  });

  it('leaves a missing html part missing', () => {
    expect(run({ text: 'Hej' }).html).toBeUndefined();
  });
});

describe('applyTracking: links in HTML', () => {
  it('rewrites every http(s) link with its own token, keeping the other attributes', () => {
    const html = [
      '<a class="btn" href="https://shop.dk/ordre/1042?a=1&amp;b=2" target=_blank>Se ordre</a>',
      "<A TITLE='x > y' HREF='http://shop.dk/a'>a</A>",
      '<a href=https://shop.dk/b?x=1&y=2 style="color:red">b</a>',
      '<a\n  data-x="1"\n  href = "https://shop.dk/ordre/1042?a=1&amp;b=2">same url again</a>',
    ].join('\n');
    const { html: out, links, issued } = run({ html, opens: false, clicks: 'html' });
    expect(out).toBe(
      [
        '<a class="btn" href="http://127.0.0.1:4400/t/c/tok0" target=_blank>Se ordre</a>',
        '<A TITLE=\'x > y\' href="http://127.0.0.1:4400/t/c/tok1">a</A>',
        '<a href="http://127.0.0.1:4400/t/c/tok2" style="color:red">b</a>',
        '<a\n  data-x="1"\n  href="http://127.0.0.1:4400/t/c/tok3">same url again</a>',
      ].join('\n'),
    );
    expect(links).toEqual([
      { index: 0, url: 'https://shop.dk/ordre/1042?a=1&b=2', token: 'tok0' },
      { index: 1, url: 'http://shop.dk/a', token: 'tok1' },
      { index: 2, url: 'https://shop.dk/b?x=1&y=2', token: 'tok2' },
      { index: 3, url: 'https://shop.dk/ordre/1042?a=1&b=2', token: 'tok3' },
    ]);
    expect(issued).toEqual(links.map(({ url, index }) => ({ url, index })));
  });

  it('skips mailto:, tel:, anchors, relative links, opted-out links, the unsubscribe URL and comments', () => {
    const html = [
      '<a href="mailto:kundeservice@shop.dk">mail</a>',
      '<a href="tel:+4512345678">ring</a>',
      '<a href="#top">top</a>',
      '<a href="/relative">rel</a>',
      '<a data-mp-no-track href="https://shop.dk/magic-login">login</a>',
      '<a href="https://shop.dk/unsub?u=1&amp;m=2">afmeld</a>',
      '<a name="anchor">no href</a>',
      '<!-- <a href="https://shop.dk/commented">x</a> -->',
      `<a href="${BASE}/t/c/already">tracked</a>`,
      '<abbr title="https://shop.dk">abbr is not a link</abbr>',
    ].join('');
    const result = run({
      html,
      opens: false,
      listUnsubscribe: '<mailto:unsub@shop.dk>, <https://shop.dk/unsub?u=1&m=2>',
    });
    expect(result.html).toBe(html);
    expect(result.links).toEqual([]);
  });

  it('rewrites links inside Outlook conditional comments', () => {
    const html = '<!--[if mso]><a href="https://shop.dk/mso">knap</a><![endif]-->';
    expect(run({ html, opens: false }).html).toBe(
      '<!--[if mso]><a href="http://127.0.0.1:4400/t/c/tok0">knap</a><![endif]-->',
    );
  });

  it('decodes numeric entities in the URL and escapes the rewritten value', () => {
    const { links, html } = run({
      html: '<a href="https://shop.dk/?q=&#x26;&#38;">x</a>',
      opens: false,
      token: () => 'a&b',
    });
    expect(links).toEqual([{ index: 0, url: 'https://shop.dk/?q=&&', token: 'a&b' }]);
    expect(html).toBe('<a href="http://127.0.0.1:4400/t/c/a&amp;b">x</a>');
  });

  it('leaves HTML links alone when clicks is text', () => {
    const html = '<a href="https://shop.dk">x</a>';
    expect(run({ html, opens: false, clicks: 'text' }).html).toBe(html);
  });
});

describe('applyTracking: links in text', () => {
  const text =
    'Se din ordre: https://shop.dk/ordre/1042.\nAfmeld: https://shop.dk/unsub (eller skriv til mailto:a@b.dk)\n[https://shop.dk/x]';

  it('rewrites text links after the HTML links when clicks is all', () => {
    const result = run({
      html: '<a href="https://shop.dk/h">h</a>',
      text,
      opens: false,
      listUnsubscribe: '<https://shop.dk/unsub>',
    });
    expect(result.text).toBe(
      'Se din ordre: http://127.0.0.1:4400/t/c/tok1.\nAfmeld: https://shop.dk/unsub (eller skriv til mailto:a@b.dk)\n[http://127.0.0.1:4400/t/c/tok2]',
    );
    expect(result.links.map((link) => link.url)).toEqual([
      'https://shop.dk/h',
      'https://shop.dk/ordre/1042',
      'https://shop.dk/x',
    ]);
  });

  it('leaves text alone when clicks is html or none', () => {
    expect(run({ text, clicks: 'html' }).text).toBe(text);
    expect(run({ text, clicks: 'none' }).text).toBe(text);
  });
});

describe('decodeHtmlEntities', () => {
  it('decodes named and numeric entities and keeps unknown ones', () => {
    expect(decodeHtmlEntities('a&amp;b&lt;&#229;&#xE6;&unknown;&#99999999;')).toBe(
      'a&b<åæ&unknown;&#99999999;',
    );
  });
});
