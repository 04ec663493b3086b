import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseWebhookAllowPrivate,
  parseWebhookHosts,
  parseWebhookTools,
  WebhookConfigError,
  webhookConfigFromEnv,
} from './webhook-config.js';

const SECRET = 's3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t';
const NET = { allowHosts: ['hooks.example.com', '*.example.org'], allowPrivate: false };

function tool(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'crm.lookup',
    description: 'Find a customer',
    url: 'https://hooks.example.com/crm',
    secret: SECRET,
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    ...over,
  };
}

/** Asserts a WebhookConfigError whose message contains every fragment. */
function rejects(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WebhookConfigError, `not a WebhookConfigError: ${String(err)}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" lacks "${f}"`);
    assert.ok(!err.message.includes(SECRET), 'message leaks the secret');
    return true;
  });
}

const parse = (tools: unknown[], net = NET) => parseWebhookTools(JSON.stringify(tools), net);

describe('parseWebhookTools', () => {
  it('reads a tool and fills in the defaults', () => {
    const [t] = parse([tool()]);
    assert.deepEqual(t, {
      name: 'crm.lookup',
      title: 'crm.lookup',
      description: 'Find a customer',
      url: 'https://hooks.example.com/crm',
      secret: SECRET,
      inputSchema: tool().inputSchema,
      outputSchema: undefined,
      timeoutMs: 10_000,
      requiresApproval: false,
      minRole: 'member',
      enabled: true,
    });
  });

  it('keeps the optional fields it is given', () => {
    const [t] = parse([
      tool({
        title: 'CRM',
        url: 'https://a.example.org/x?y=1',
        outputSchema: { type: 'object' },
        timeoutMs: 2500,
        requiresApproval: true,
        minRole: 'operator',
        enabled: false,
      }),
    ]);
    assert.equal(t.title, 'CRM');
    assert.equal(t.url, 'https://a.example.org/x?y=1');
    assert.deepEqual(t.outputSchema, { type: 'object' });
    assert.equal(t.timeoutMs, 2500);
    assert.equal(t.requiresApproval, true);
    assert.equal(t.minRole, 'operator');
    assert.equal(t.enabled, false);
  });

  it('treats unset and blank as no tools', () => {
    assert.deepEqual(parseWebhookTools(undefined, NET), []);
    assert.deepEqual(parseWebhookTools('  ', NET), []);
  });

  it('rejects text that is not a JSON array, without quoting it', () => {
    rejects(
      () => parseWebhookTools(`[{"secret": "${SECRET}",}]`, NET),
      'REALSTREAM_WEBHOOK_TOOLS: not valid JSON',
    );
    rejects(() => parseWebhookTools('{}', NET), 'REALSTREAM_WEBHOOK_TOOLS: expected a JSON array');
    rejects(() => parse([tool(), 'x']), 'REALSTREAM_WEBHOOK_TOOLS[1]: expected an object');
  });

  it('names index, tool and field for each bad value', () => {
    const cases: [Record<string, unknown>, ...string[]][] = [
      [{ name: 'CRM Lookup' }, '[1].name', 'lower-case'],
      [{ name: undefined }, '[1].name'],
      [{ url: 'ftp://hooks.example.com/' }, '[1].url ("crm.two")', 'expected an https:// URL'],
      [{ url: 'http://hooks.example.com/' }, '[1].url', 'https://'],
      [{ url: 'not a url' }, '[1].url', 'https://'],
      [{ url: 'https://user:pw@hooks.example.com/' }, '[1].url', 'credentials'],
      [{ url: 'https://evil.com/' }, '[1].url', '"evil.com" is not in REALSTREAM_WEBHOOK_HOSTS'],
      [{ url: 'https://hooks.example.com:444/' }, '[1].url', 'not in REALSTREAM_WEBHOOK_HOSTS'],
      [{ secret: 'short' }, '[1].secret', 'at least 32'],
      [{ secret: 42 }, '[1].secret'],
      [{ description: undefined }, '[1].description', 'expected a string'],
      [{ title: 'x'.repeat(121) }, '[1].title', 'at most 120'],
      [{ timeoutMs: 50 }, '[1].timeoutMs', 'between 100 and 600000'],
      [{ timeoutMs: 1.5 }, '[1].timeoutMs'],
      [{ minRole: 'admin' }, '[1].minRole', 'viewer, member, operator'],
      [{ requiresApproval: 'yes' }, '[1].requiresApproval', 'true or false'],
      [{ enabled: 1 }, '[1].enabled'],
      [{ timeout: 5000 }, '[1].timeout', 'unknown field'],
      [{ inputSchema: [] }, '[1].inputSchema', 'JSON Schema object'],
      [{ inputSchema: true }, '[1].inputSchema', 'JSON Schema object'],
      [{ inputSchema: { type: 'strin' } }, '[1].inputSchema', '#/type'],
      [{ inputSchema: { properties: { a: { type: 5 } } } }, '#/properties/a/type'],
      [{ inputSchema: { required: 'a' } }, '#/required'],
      [{ inputSchema: { anyOf: {} } }, '#/anyOf'],
      [{ inputSchema: { pattern: '(' } }, 'regular expression'],
      [{ inputSchema: { $ref: '#/$defs/missing' } }, '[1].inputSchema', 'does not compile'],
      [{ outputSchema: { minLength: -1 } }, '[1].outputSchema', '#/minLength'],
    ];
    for (const [over, ...fragments] of cases) {
      const second = tool({ name: 'crm.two', ...over });
      rejects(() => parse([tool(), second]), 'REALSTREAM_WEBHOOK_TOOLS', ...fragments);
    }
  });

  it('rejects a name declared twice', () => {
    rejects(() => parse([tool(), tool()]), '[1].name', 'declared twice');
  });

  it('refuses private targets unless allowPrivate, and then accepts http too', () => {
    const local = {
      allowHosts: ['127.0.0.1:8787', 'localhost:8787', '10.0.0.5'],
      allowPrivate: false,
    };
    for (const url of ['https://127.0.0.1:8787/', 'https://localhost:8787/', 'https://10.0.0.5/']) {
      rejects(
        () => parse([tool({ url })], local),
        '[0].url',
        'loopback/private',
        'REALSTREAM_WEBHOOK_ALLOW_PRIVATE',
      );
    }
    const [t] = parse([tool({ url: 'http://127.0.0.1:8787/hook' })], {
      ...local,
      allowPrivate: true,
    });
    assert.equal(t.url, 'http://127.0.0.1:8787/hook');
  });

  it('refuses every reserved range, naming it, unless allowPrivate', () => {
    const cases: [string, string][] = [
      ['https://198.18.0.1/', '198.18.0.0/15'],
      ['https://198.19.255.255/', '198.18.0.0/15'],
      ['https://[2001:db8::1]/', '2001:db8::/32'],
      ['https://[::ffff:198.18.0.1]/', '198.18.0.0/15'],
      ['https://[64:ff9b::a00:1]/', '64:ff9b::/96'],
      ['https://[2002:c0a8:0101::]/', '192.168.0.0/16'],
      ['https://203.0.113.5:8443/', '203.0.113.0/24'],
    ];
    for (const [url, range] of cases) {
      const host = new URL(url).host;
      const net = { allowHosts: [host], allowPrivate: false };
      rejects(
        () => parse([tool({ url })], net),
        '[0].url',
        range,
        'REALSTREAM_WEBHOOK_ALLOW_PRIVATE',
      );
      assert.equal(
        parse([tool({ url })], { ...net, allowPrivate: true })[0].url,
        new URL(url).href,
      );
    }
  });

  it('says when only the port is not allowed', () => {
    rejects(
      () => parse([tool({ url: 'https://hooks.example.com:22/' })]),
      '"hooks.example.com:22" is not in REALSTREAM_WEBHOOK_HOSTS',
      'an entry without a port allows only 443',
    );
  });
});

describe('parseWebhookHosts', () => {
  it('splits, trims, lower-cases and canonicalises', () => {
    assert.deepEqual(parseWebhookHosts(' Hooks.Example.com, *.example.org:8443 ,,[0::1]:80'), [
      'hooks.example.com',
      '*.example.org:8443',
      '[::1]:80',
    ]);
    assert.deepEqual(parseWebhookHosts(undefined), []);
    assert.deepEqual(parseWebhookHosts(''), []);
  });

  it('names the bad entry', () => {
    rejects(
      () => parseWebhookHosts('a.com, https://b.com'),
      'REALSTREAM_WEBHOOK_HOSTS[1]',
      'https://b.com',
    );
    rejects(() => parseWebhookHosts('a.com:70000'), 'REALSTREAM_WEBHOOK_HOSTS[0]');
    rejects(() => parseWebhookHosts('*'), 'REALSTREAM_WEBHOOK_HOSTS[0]');
  });
});

describe('parseWebhookAllowPrivate', () => {
  it('reads true/false/1/0 and unset', () => {
    assert.equal(parseWebhookAllowPrivate(undefined), false);
    assert.equal(parseWebhookAllowPrivate(''), false);
    assert.equal(parseWebhookAllowPrivate('false'), false);
    assert.equal(parseWebhookAllowPrivate('0'), false);
    assert.equal(parseWebhookAllowPrivate('TRUE'), true);
    assert.equal(parseWebhookAllowPrivate('1'), true);
    rejects(() => parseWebhookAllowPrivate('yes please'), 'REALSTREAM_WEBHOOK_ALLOW_PRIVATE');
  });
});

describe('webhookConfigFromEnv', () => {
  it('reads all three variables together', () => {
    const env = {
      REALSTREAM_WEBHOOK_TOOLS: JSON.stringify([tool({ url: 'http://localhost:9000/x' })]),
      REALSTREAM_WEBHOOK_HOSTS: 'localhost:9000',
      REALSTREAM_WEBHOOK_ALLOW_PRIVATE: 'true',
    };
    const cfg = webhookConfigFromEnv(env);
    assert.deepEqual(cfg.allowHosts, ['localhost:9000']);
    assert.equal(cfg.allowPrivate, true);
    assert.equal(cfg.tools[0].url, 'http://localhost:9000/x');
    rejects(
      () => webhookConfigFromEnv({ ...env, REALSTREAM_WEBHOOK_ALLOW_PRIVATE: undefined }),
      '[0].url',
    );
  });
});
