import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, readConfig, type Config, type LlmConfig } from './config.js';
import { DEFAULT_SYSTEM_PROMPT } from './responders/context.js';

const SECRET = 's'.repeat(32);

/** Asserts that `env` is refused with a ConfigError whose message names `variable`. */
function refuses(env: Record<string, unknown>, variable: string): void {
  assert.throws(
    () => readConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.equal(err.name, 'ConfigError');
      assert.ok(err.message.includes(variable), `"${err.message}" does not name ${variable}`);
      return true;
    },
  );
}

describe('readConfig', () => {
  it('has working defaults for an empty environment', () => {
    assert.deepEqual(readConfig({}), {
      secret: null,
      allowedOrigins: ['*'],
      logLevel: 'info',
      maxFrameBytes: 65536,
      maxMessageChars: 8000,
      maxConnections: 1000,
      maxConnectionsPerUser: 20,
      maxConnectionsPerAddress: 200,
      rateBurst: 60,
      rateRefillPerSecond: 20,
      ringSize: 10_000,
      ringBytes: 32 * 1024 * 1024,
      coalesceMs: 16,
      snapshotMessages: 50,
      retention: {
        messages: { count: 10_000, maxAgeMs: 0 },
        calls: { count: 1000, maxAgeMs: 30 * 86_400_000 },
      },
      maxConcurrentReplies: 16,
      responder: 'demo',
      roomResponders: ['demo'],
      demoTokensPerSecond: 40,
      demoReplyTokens: 0,
      heartbeatMs: 15_000,
      provider: null,
      providers: [],
      llm: {
        systemPrompt: DEFAULT_SYSTEM_PROMPT,
        contextChars: 24_000,
        temperature: null,
        maxTokens: null,
        firstTokenMs: 30_000,
        idleMs: 20_000,
        retries: 2,
        tools: 'auto',
        reasoningEffort: null,
        thinkingTokens: null,
      },
      tools: {
        httpFetchHosts: [],
        maxConcurrentCalls: 8,
        maxAssistantRounds: 6,
        approvalMs: 300_000,
        webhooks: { tools: [], allowHosts: [], allowPrivate: false },
      },
      metrics: true,
      storageFaults: null,
    } satisfies Config);
  });

  it('reads the storage fault spec (testing only) and refuses a bad one, naming the variable', () => {
    assert.deepEqual(readConfig({ REALSTREAM_STORAGE_FAULTS: 'put:0.02,seed:9' }).storageFaults, {
      put: 0.02,
      delete: 0,
      key: null,
      after: 0,
      max: Infinity,
      gap: 0,
      seed: 9,
    });
    refuses({ REALSTREAM_STORAGE_FAULTS: 'put:7' }, 'REALSTREAM_STORAGE_FAULTS');
    refuses({ REALSTREAM_STORAGE_FAULTS: 'seed:3' }, 'REALSTREAM_STORAGE_FAULTS');
  });

  it('treats empty and null values as unset', () => {
    assert.deepEqual(
      readConfig({ REALSTREAM_SECRET: '', REALSTREAM_RING_SIZE: '', REALSTREAM_LOG_LEVEL: null }),
      readConfig({}),
    );
  });

  // [variable, field, min, max]
  const numeric: [string, keyof Config, number, number][] = [
    ['REALSTREAM_MAX_FRAME_BYTES', 'maxFrameBytes', 1024, 16 * 1024 * 1024],
    ['REALSTREAM_MAX_MESSAGE_CHARS', 'maxMessageChars', 1, 1_000_000],
    ['REALSTREAM_MAX_CONNECTIONS', 'maxConnections', 1, 32_000],
    ['REALSTREAM_MAX_CONNECTIONS_PER_USER', 'maxConnectionsPerUser', 1, 32_000],
    ['REALSTREAM_MAX_CONNECTIONS_PER_ADDRESS', 'maxConnectionsPerAddress', 1, 32_000],
    ['REALSTREAM_RATE_BURST', 'rateBurst', 1, 100_000],
    ['REALSTREAM_RATE_PER_SECOND', 'rateRefillPerSecond', 1, 100_000],
    ['REALSTREAM_RING_SIZE', 'ringSize', 100, 1_000_000],
    ['REALSTREAM_RING_BYTES', 'ringBytes', 1024 * 1024, 1024 * 1024 * 1024],
    ['REALSTREAM_RING_BYTES', 'ringBytes', 1024 * 1024, 1024 * 1024 * 1024],
    ['REALSTREAM_COALESCE_MS', 'coalesceMs', 0, 1000],
    ['REALSTREAM_SNAPSHOT_MESSAGES', 'snapshotMessages', 1, 1000],
    ['REALSTREAM_MAX_CONCURRENT_REPLIES', 'maxConcurrentReplies', 1, 1000],
    ['REALSTREAM_DEMO_TOKENS_PER_SECOND', 'demoTokensPerSecond', 0, 1_000_000],
    ['REALSTREAM_DEMO_REPLY_TOKENS', 'demoReplyTokens', 0, 1_000_000],
    ['REALSTREAM_SSE_HEARTBEAT_MS', 'heartbeatMs', 100, 600_000],
  ];

  for (const [variable, field, min, max] of numeric) {
    describe(variable, () => {
      it(`reads ${field} from a string, at both ends of its range`, () => {
        assert.equal(readConfig({ [variable]: String(min) })[field], min);
        assert.equal(readConfig({ [variable]: String(max) })[field], max);
      });

      it('reads a number value (PartyKit vars can be JSON numbers)', () => {
        assert.equal(readConfig({ [variable]: max })[field], max);
      });

      for (const bad of [
        String(min - 1),
        String(max + 1),
        'abc',
        '1.5',
        '10px',
        'NaN',
        'Infinity',
      ]) {
        it(`refuses ${JSON.stringify(bad)} naming the variable`, () =>
          refuses({ [variable]: bad }, variable));
      }
    });
  }

  it('names the bad variable when others are fine', () => {
    refuses(
      { REALSTREAM_RING_SIZE: '500', REALSTREAM_RATE_BURST: '0', REALSTREAM_MAX_CONNECTIONS: '10' },
      'REALSTREAM_RATE_BURST',
    );
  });

  describe('REALSTREAM_SECRET', () => {
    it('refuses a secret shorter than 32 characters', () =>
      refuses({ REALSTREAM_SECRET: SECRET.slice(1) }, 'REALSTREAM_SECRET'));

    it('does not echo the secret in the error', () => {
      assert.throws(
        () => readConfig({ REALSTREAM_SECRET: 'hunter2-hunter2' }),
        (err: Error) => !err.message.includes('hunter2'),
      );
    });

    it('accepts a 32-character secret', () => {
      assert.equal(readConfig({ REALSTREAM_SECRET: SECRET }).secret, SECRET);
    });
  });

  describe('REALSTREAM_ALLOWED_ORIGINS', () => {
    it('splits a comma list, trimming spaces and dropping empty entries', () => {
      const config = readConfig({
        REALSTREAM_ALLOWED_ORIGINS: ' https://a.example ,https://b.example:8443,, ',
      });
      assert.deepEqual(config.allowedOrigins, ['https://a.example', 'https://b.example:8443']);
    });

    it('reads a single origin', () => {
      assert.deepEqual(
        readConfig({ REALSTREAM_ALLOWED_ORIGINS: 'http://localhost:5173' }).allowedOrigins,
        ['http://localhost:5173'],
      );
    });

    it('keeps an explicit *', () => {
      assert.deepEqual(readConfig({ REALSTREAM_ALLOWED_ORIGINS: '*' }).allowedOrigins, ['*']);
    });

    it('normalises entries to the form browsers send: no trailing slash, lower case, no default port', () => {
      const config = readConfig({
        REALSTREAM_ALLOWED_ORIGINS:
          'https://App.Example.com/, http://localhost:5173/,https://b.example:443,http://c.example:80',
      });
      assert.deepEqual(config.allowedOrigins, [
        'https://app.example.com',
        'http://localhost:5173',
        'https://b.example',
        'http://c.example',
      ]);
    });

    it('refuses an entry that is not an origin, naming it and saying why', () => {
      const cases: [string, RegExp][] = [
        [
          'https://app.example.com/chat',
          /"https:\/\/app\.example\.com\/chat" has the path "\/chat"/,
        ],
        ['https://a.example,https://b.example/x/', /"https:\/\/b\.example\/x\/" has the path/],
        ['localhost:5173', /"localhost:5173" has no scheme/],
        ['app.example.com', /"app\.example\.com" has no scheme/],
        ['ftp://files.example', /has the scheme ftp/],
        ['https://*.example.com', /has a wildcard/],
        ['https://a.example?x=1', /\?query or #fragment/],
        ['https://a.example#top', /\?query or #fragment/],
        ['https://user:pw@a.example', /"https:\/\/…@a\.example" has credentials/],
        ['https://', /is not a URL/],
        ['*,https://a.example', /"\*" allows every origin/],
      ];
      for (const [value, message] of cases) {
        assert.throws(
          () => readConfig({ REALSTREAM_ALLOWED_ORIGINS: value }),
          (err: Error) =>
            err instanceof ConfigError &&
            err.message.startsWith('REALSTREAM_ALLOWED_ORIGINS: ') &&
            message.test(err.message),
          value,
        );
      }
    });
  });

  describe('enumerated variables', () => {
    it('reads every log level', () => {
      for (const level of ['debug', 'info', 'warn', 'error'] as const) {
        assert.equal(readConfig({ REALSTREAM_LOG_LEVEL: level }).logLevel, level);
      }
    });

    it('refuses an unknown log level', () =>
      refuses({ REALSTREAM_LOG_LEVEL: 'verbose' }, 'REALSTREAM_LOG_LEVEL'));
    it('refuses a log level in the wrong case', () =>
      refuses({ REALSTREAM_LOG_LEVEL: 'INFO' }, 'REALSTREAM_LOG_LEVEL'));
    it('refuses an unknown responder', () =>
      refuses({ REALSTREAM_RESPONDER: 'gpt' }, 'REALSTREAM_RESPONDER'));
    it('reads every responder', () => {
      const env = {
        REALSTREAM_OPENAI_MODEL: 'm',
        REALSTREAM_ANTHROPIC_MODEL: 'm',
        REALSTREAM_ANTHROPIC_API_KEY: 'k',
      };
      for (const responder of ['demo', 'openai', 'anthropic'] as const) {
        assert.equal(readConfig({ ...env, REALSTREAM_RESPONDER: responder }).responder, responder);
      }
    });
  });

  describe('LLM settings', () => {
    // [variable, field, min, max]
    const llmNumeric: [string, keyof LlmConfig, number, number][] = [
      ['REALSTREAM_CONTEXT_CHARS', 'contextChars', 100, 10_000_000],
      ['REALSTREAM_LLM_FIRST_TOKEN_MS', 'firstTokenMs', 100, 600_000],
      ['REALSTREAM_LLM_IDLE_MS', 'idleMs', 100, 600_000],
      ['REALSTREAM_LLM_RETRIES', 'retries', 0, 10],
      ['REALSTREAM_LLM_MAX_TOKENS', 'maxTokens', 1, 1_000_000],
    ];
    for (const [variable, field, min, max] of llmNumeric) {
      it(`${variable}: reads ${field} at both ends of its range and refuses outside it`, () => {
        assert.equal(readConfig({ [variable]: String(min) }).llm[field], min);
        assert.equal(readConfig({ [variable]: max }).llm[field], max);
        for (const bad of [String(min - 1), String(max + 1), 'abc', '1.5']) {
          refuses({ [variable]: bad }, variable);
        }
      });
    }

    it('reads a fractional temperature from 0 to 2 and refuses others', () => {
      assert.equal(readConfig({ REALSTREAM_LLM_TEMPERATURE: '0.7' }).llm.temperature, 0.7);
      assert.equal(readConfig({ REALSTREAM_LLM_TEMPERATURE: 0 }).llm.temperature, 0);
      assert.equal(readConfig({ REALSTREAM_LLM_TEMPERATURE: '2' }).llm.temperature, 2);
      for (const bad of ['-0.1', '2.1', 'warm', 'NaN', 'Infinity', ' ']) {
        refuses({ REALSTREAM_LLM_TEMPERATURE: bad }, 'REALSTREAM_LLM_TEMPERATURE');
      }
    });

    it('REALSTREAM_LLM_TOOLS: auto by default, on or off, and nothing else', () => {
      for (const mode of ['auto', 'on', 'off'] as const) {
        assert.equal(readConfig({ REALSTREAM_LLM_TOOLS: mode }).llm.tools, mode);
      }
      assert.equal(readConfig({}).llm.tools, 'auto');
      for (const bad of ['yes', 'OFF', 'true'])
        refuses({ REALSTREAM_LLM_TOOLS: bad }, 'REALSTREAM_LLM_TOOLS');
    });

    it('REALSTREAM_LLM_REASONING_EFFORT: not sent unless set, one of four efforts', () => {
      assert.equal(readConfig({}).llm.reasoningEffort, null);
      for (const effort of ['minimal', 'low', 'medium', 'high'] as const) {
        assert.equal(
          readConfig({ REALSTREAM_LLM_REASONING_EFFORT: effort }).llm.reasoningEffort,
          effort,
        );
      }
      refuses({ REALSTREAM_LLM_REASONING_EFFORT: 'max' }, 'REALSTREAM_LLM_REASONING_EFFORT');
    });

    it('REALSTREAM_OPENAI_API: Chat Completions unless the Responses API is chosen', () => {
      const env = { REALSTREAM_RESPONDER: 'openai', REALSTREAM_OPENAI_MODEL: 'm' };
      assert.equal(readConfig(env).provider?.api, 'chat');
      assert.equal(
        readConfig({ ...env, REALSTREAM_OPENAI_API: 'responses' }).provider?.api,
        'responses',
      );
      refuses({ ...env, REALSTREAM_OPENAI_API: 'completions' }, 'REALSTREAM_OPENAI_API');
    });

    it('takes a custom system prompt', () => {
      const prompt = 'You are a pirate.\nSpeak like one.';
      assert.equal(readConfig({ REALSTREAM_SYSTEM_PROMPT: prompt }).llm.systemPrompt, prompt);
    });

    it('ignores provider variables while the demo responder is chosen', () => {
      assert.equal(readConfig({ REALSTREAM_OPENAI_BASE_URL: 'not a url' }).provider, null);
    });
  });

  describe('REALSTREAM_ROOM_RESPONDERS', () => {
    it('offers only the default responder unless more are listed', () => {
      assert.deepEqual(readConfig({}).roomResponders, ['demo']);
    });

    it('lists the default first, then the extra choices, each fully configured', () => {
      const config = readConfig({
        REALSTREAM_ROOM_RESPONDERS: ' openai , demo,',
        REALSTREAM_OPENAI_MODEL: 'llama3',
        REALSTREAM_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      });
      assert.deepEqual(config.roomResponders, ['demo', 'openai']);
      assert.equal(config.provider, null, 'the default is still the demo');
      assert.deepEqual(
        config.providers.map((p) => [p.kind, p.model]),
        [['openai', 'llama3']],
      );
    });

    it('refuses an unknown responder and a choice that is not configured', () => {
      refuses({ REALSTREAM_ROOM_RESPONDERS: 'demo,gemini' }, 'REALSTREAM_ROOM_RESPONDERS');
      refuses({ REALSTREAM_ROOM_RESPONDERS: 'anthropic' }, 'REALSTREAM_ANTHROPIC_API_KEY');
    });
  });

  describe('REALSTREAM_RESPONDER=openai', () => {
    const env = { REALSTREAM_RESPONDER: 'openai', REALSTREAM_OPENAI_MODEL: 'gpt-4o-mini' };

    it('defaults to the OpenAI API and needs no key', () => {
      assert.deepEqual(readConfig(env).provider, {
        kind: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        apiKey: null,
        model: 'gpt-4o-mini',
        api: 'chat',
      });
    });

    it('reads a local base URL without its trailing slash, and the key', () => {
      const config = readConfig({
        ...env,
        REALSTREAM_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/',
        REALSTREAM_OPENAI_API_KEY: 'sk-test',
      });
      assert.equal(config.provider?.baseUrl, 'http://127.0.0.1:11434/v1');
      assert.equal(config.provider?.apiKey, 'sk-test');
    });

    it('requires a model, naming the variable', () => {
      refuses({ REALSTREAM_RESPONDER: 'openai' }, 'REALSTREAM_OPENAI_MODEL');
      refuses(
        { REALSTREAM_RESPONDER: 'openai', REALSTREAM_OPENAI_MODEL: '  ' },
        'REALSTREAM_OPENAI_MODEL',
      );
    });

    for (const bad of [
      'api.openai.com/v1',
      'ftp://example.com',
      'http://',
      'https://x.test/v1?key=sk-1',
    ]) {
      it(`refuses the base URL ${JSON.stringify(bad)} without echoing it`, () => {
        refuses({ ...env, REALSTREAM_OPENAI_BASE_URL: bad }, 'REALSTREAM_OPENAI_BASE_URL');
        assert.throws(
          () => readConfig({ ...env, REALSTREAM_OPENAI_BASE_URL: bad }),
          (err: Error) => !err.message.includes('sk-1'),
        );
      });
    }
  });

  describe('REALSTREAM_RESPONDER=anthropic', () => {
    const env = {
      REALSTREAM_RESPONDER: 'anthropic',
      REALSTREAM_ANTHROPIC_MODEL: 'claude-sonnet-4-5',
      REALSTREAM_ANTHROPIC_API_KEY: 'sk-ant-secret',
    };

    it('defaults to the Anthropic API', () => {
      assert.deepEqual(readConfig(env).provider, {
        kind: 'anthropic',
        baseUrl: 'https://api.anthropic.com',
        apiKey: 'sk-ant-secret',
        model: 'claude-sonnet-4-5',
      });
    });

    it('requires a key and a model, naming each, without echoing the key', () => {
      refuses({ ...env, REALSTREAM_ANTHROPIC_API_KEY: '' }, 'REALSTREAM_ANTHROPIC_API_KEY');
      refuses({ ...env, REALSTREAM_ANTHROPIC_MODEL: undefined }, 'REALSTREAM_ANTHROPIC_MODEL');
      assert.throws(
        () => readConfig({ ...env, REALSTREAM_ANTHROPIC_MODEL: undefined }),
        (err: Error) => !err.message.includes('sk-ant-secret'),
      );
    });

    it('refuses a bad base URL', () =>
      refuses(
        { ...env, REALSTREAM_ANTHROPIC_BASE_URL: 'localhost:8080' },
        'REALSTREAM_ANTHROPIC_BASE_URL',
      ));
  });
});

describe('the start scripts check the variables before starting a server', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  for (const script of ['dev.mjs', 'dev-wrangler.mjs']) {
    it(`${script} exits 2, naming the variable and the entry`, async () => {
      const result = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', `packages/server/scripts/${script}`],
        {
          cwd: root,
          env: { ...process.env, PORT: '1', REALSTREAM_ALLOWED_ORIGINS: 'https://a.example/app' },
        },
      ).then(
        () => ({ code: 0, stderr: '', stdout: '' }),
        (err: { code: number; stderr: string; stdout: string }) => err,
      );
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '', 'nothing was started');
      assert.match(
        result.stderr,
        /configuration is invalid\.\n {2}REALSTREAM_ALLOWED_ORIGINS: "https:\/\/a\.example\/app" has the path "\/app"/,
      );
    });
  }
});
