// What a developer sees on the page when the link fails, in Chromium against a real `partykit dev`:
// the chat names the problem and what happens next or what to do, within 5 s of the condition,
// instead of "Connecting…" forever. The page is examples/script-tag, served by the server itself,
// so its origin is the server's (http://127.0.0.1:PORT). Each case produces the real condition:
// a closed port, a refused origin, real tokens, a hello in another protocol version, a full room.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signToken } from '@realstream/server';
import type { RealstreamChat } from '@realstream/elements';
import { freePort, startServer, type TestServer } from './harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { openRaw, type RawSocket } from './raw-socket.js';

/** Within this long of the condition the page must say what is wrong (issue 15's bar). */
const EXPLAINED_MS = 5_000;
const SECRET = 'failures-suite-secret-0123456789abcdef';

let browser: Browser;
before(async () => {
  const args = [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'];
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args });
});
after(() => browser?.close());

interface PageSetup {
  /** The room server the chat dials; default the server that serves the page. */
  host?: string;
  /** Attributes added to the page's <realstream-chat> (e.g. a token). */
  attrs?: string;
  /** Runs in the page before its own scripts (e.g. to rewrite what goes on the wire). */
  initScript?: string;
  /** A getToken that answers with this token: the chat connects only once it is set. */
  getToken?: string;
}

/** Opens the script-tag page against `server` as `setup` says, and returns it. */
async function openChat(server: TestServer, setup: PageSetup = {}): Promise<Page> {
  const page = await browser.newPage();
  if (setup.initScript) await page.addInitScript(setup.initScript);
  await page.route(`${server.url}/script-tag/`, async (route) => {
    const response = await route.fetch();
    // With getToken, the chat has no room (so it does not connect, and the loader gives it no
    // host) until the test has given it the function.
    const tag = '<realstream-chat room="script-tag"';
    const html = await response.text();
    assert.ok(html.includes(tag), 'the script-tag page has its chat');
    const body = html.replace(
      tag,
      setup.getToken
        ? '<realstream-chat'
        : `${tag} host="${setup.host ?? server.host}" ${setup.attrs ?? ''}`,
    );
    await route.fulfill({ response, body });
  });
  await page.goto(`${server.url}/script-tag/`);
  if (setup.getToken) {
    await page.evaluate(
      async ({ token, host }) => {
        await customElements.whenDefined('realstream-chat');
        const chat = document.querySelector('realstream-chat') as RealstreamChat;
        const w = window as unknown as { getTokenCalls: number };
        w.getTokenCalls = 0;
        chat.getToken = async () => (w.getTokenCalls++, token);
        chat.host = host;
        chat.room = 'script-tag';
      },
      { token: setup.getToken, host: setup.host ?? server.host },
    );
  }
  return page;
}

/**
 * Waits (at most EXPLAINED_MS) for the link pill to be in `state` and show text matching `shows`,
 * and returns that text; on a timeout the error says what the pill showed instead.
 */
async function explained(page: Page, state: string, shows: RegExp): Promise<string> {
  const link = page.locator('realstream-chat [part="link-status"]');
  try {
    await link
      .and(page.locator(`[data-state="${state}"]`))
      .filter({ hasText: shows })
      .waitFor({ timeout: EXPLAINED_MS });
    return ((await link.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  } catch (err) {
    const shown = await link.textContent().catch(() => '?');
    const at = await link.getAttribute('data-state').catch(() => '?');
    throw new Error(`${(err as Error).message}\nthe link status shows (${at}): ${shown}`);
  }
}

/** The typed reason the page's client holds, as `$status.reason` gives it. */
function reasonOf(page: Page) {
  return page.evaluate(() => {
    const chat = document.querySelector('realstream-chat') as RealstreamChat;
    return chat.client?.$status.get().reason;
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a page the server turns away says why', () => {
  it('a refused origin names the origin and REALSTREAM_ALLOWED_ORIGINS', async () => {
    const server = await startServer({
      front: true,
      persist: false,
      vars: { REALSTREAM_ALLOWED_ORIGINS: 'https://allowed.example' },
    });
    const page = await openChat(server);
    try {
      const shown = await explained(
        page,
        'forbidden',
        new RegExp(`origin ${escape(server.url)} is not allowed`),
      );
      assert.match(shown, /REALSTREAM_ALLOWED_ORIGINS/);
      const reason = await reasonOf(page);
      assert.equal(reason?.code, 'origin_not_allowed');
      assert.equal(reason?.origin, server.url);
    } finally {
      await page.close();
      await server.stop();
    }
  });

  it('a deployment with an invalid variable names it', async () => {
    const server = await startServer({
      front: true,
      persist: false,
      vars: { REALSTREAM_RING_SIZE: 'lots' },
    });
    const page = await openChat(server);
    try {
      await explained(
        page,
        'offline',
        /server misconfigured: REALSTREAM_RING_SIZE=lots: expected a whole number/,
      );
      const reason = await reasonOf(page);
      assert.equal(reason?.code, 'server_misconfigured');
      assert.equal(reason?.variable, 'REALSTREAM_RING_SIZE');
    } finally {
      await page.close();
      await server.stop();
    }
  });

  it('a client of another protocol version is told what to upgrade', async () => {
    const server = await startServer({ front: true, persist: false });
    // An older client: its hello says protocol 0. The rest of the page is today's bundle, so
    // this is the server's real answer to an old page (say, a cached bundle after an upgrade).
    const initScript = `{
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        const old = typeof data === 'string'
          ? data.replace(/^\\{"type":"hello","protocol":\\d+/, '{"type":"hello","protocol":0')
          : data;
        return send.call(this, old);
      };
    }`;
    const page = await openChat(server, { initScript });
    try {
      const shown = await explained(page, 'offline', /protocol/);
      assert.match(
        shown,
        /this client speaks protocol 0, the server 1: upgrade @realstream\/client and @realstream\/elements to the server's release/,
      );
      const reason = await reasonOf(page);
      assert.equal(reason?.code, 'protocol_mismatch');
      assert.deepEqual([reason?.clientProtocol, reason?.serverProtocol], [0, 1]);
    } finally {
      await page.close();
      await server.stop();
    }
  });
});

describe('a page with a token the server refuses says which problem, and what happens next', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      front: true,
      persist: false,
      vars: { REALSTREAM_SECRET: SECRET },
    });
  });
  after(() => server?.stop());
  const past = () => Math.floor(Date.now() / 1000) - 60;

  for (const { name, token, code, shows } of [
    {
      name: 'an expired static token must be replaced',
      token: () => signToken(SECRET, { sub: 'ada', room: 'script-tag' }, past()),
      code: 'token_expired',
      shows: /Not authorised: token expired: the page's token must be replaced/,
    },
    {
      name: 'a token signed with another secret says the signature does not verify',
      token: () =>
        signToken('another-secret-of-at-least-32-characters!', { sub: 'eve', room: 'script-tag' }),
      code: 'token_signature',
      shows:
        /Not authorised: token signature does not verify .*: the page's token must be replaced/,
    },
    {
      name: 'a token that is not a JWT says it is malformed',
      token: async () => 'not-a-jwt',
      code: 'token_malformed',
      shows: /Not authorised: token malformed: .*: the page's token must be replaced/,
    },
  ]) {
    it(name, async () => {
      const page = await openChat(server, { attrs: `token="${await token()}"` });
      try {
        await explained(page, 'unauthorised', shows);
        assert.equal((await reasonOf(page))?.code, code);
      } finally {
        await page.close();
      }
    });
  }

  it('an expired token from getToken: asked once more, then says getToken will be asked again', async () => {
    const expired = await signToken(SECRET, { sub: 'ada', room: 'script-tag' }, past());
    const page = await openChat(server, { getToken: expired });
    try {
      await explained(
        page,
        'unauthorised',
        /Not authorised: token expired: getToken will be asked for a new one on reconnect/,
      );
      assert.equal(
        await page.evaluate(() => (window as never as { getTokenCalls: number }).getTokenCalls),
        2,
      );
      const reason = await reasonOf(page);
      assert.equal(reason?.code, 'token_expired');
      assert.equal(reason?.retrying, false);
    } finally {
      await page.close();
    }
  });
});

describe('a page that cannot get in yet says why, and keeps trying', () => {
  it('an unreachable host: the URL tried and how many attempts, still retrying', async () => {
    const server = await startServer({ front: true, persist: false });
    const dead = `127.0.0.1:${await freePort()}`; // nothing listens there
    const page = await openChat(server, { host: dead });
    try {
      // A second attempt within the deadline shows it is still retrying, not stuck.
      const shown = await explained(
        page,
        'connecting',
        new RegExp(
          `Not connected: cannot reach ws://${escape(dead)}/parties/main/script-tag \\([2-9]\\d* attempts\\): still retrying, with backoff`,
        ),
      );
      assert.ok(shown.length > 0);
      const reason = await reasonOf(page);
      assert.equal(reason?.code, 'unreachable');
      assert.equal(reason?.url, `ws://${dead}/parties/main/script-tag`);
    } finally {
      await page.close();
      await server.stop();
    }
  });

  it('a full room says it is full and retries, and gets in once a place frees', async () => {
    const server = await startServer({
      front: true,
      persist: false,
      vars: { REALSTREAM_MAX_CONNECTIONS: 2 },
    });
    const holders: RawSocket[] = [];
    let page: Page | undefined;
    try {
      for (const name of ['Ann', 'Ben']) {
        const socket = await openRaw(server, 'script-tag', { name });
        await socket.hello();
        holders.push(socket);
      }
      page = await openChat(server);
      await explained(
        page,
        'connecting',
        /Not connected: room is full \(2 connections\): retrying in \d+ s/,
      );
      const reason = await reasonOf(page);
      assert.equal(reason?.code, 'room_full');
      assert.equal(reason?.retrying, true);
      holders.shift()!.close();
      // The backoff after one refusal is at most a few seconds.
      await page
        .locator('realstream-chat [part="link-status"][data-state="live"]')
        .waitFor({ timeout: 15_000 });
    } finally {
      for (const socket of holders) socket.close();
      await page?.close();
      await server.stop();
    }
  });
});
