/// <reference types="mocha" />
// <realstream-chat> against a fake client: every state the link, the composer and a message can
// be in, deterministically, plus theming, strings, slots and RTL.
import { expect } from '@open-wc/testing';
import { FakeClient, message } from '../../test/fake-client.js';
import { $, $$, chatWith, settle, text, unmountAll } from '../../test/mount.js';
import { reasons } from '../stories/reasons.js';
import { RealstreamChat } from './chat.js';

afterEach(unmountAll);

describe('realstream-chat link health', () => {
  it('says what the link is doing, honestly', async () => {
    const fake = new FakeClient();
    fake.status({ state: 'connecting', attempt: 1 });
    const chat = await chatWith(fake);
    const pill = () => text($(chat, '[part="link-status"]'));
    expect(pill()).to.equal('Connecting…');

    fake.status({ state: 'live', lastSeq: 41 });
    await settle(chat);
    expect(pill()).to.equal('Live');

    fake.status({ state: 'stalled' });
    await settle(chat);
    expect(pill()).to.equal('Stream stalled, checking the connection…');
    fake.status({ state: 'live' });
    await settle(chat);
    expect(pill(), 'a frame after the stall notice: live again').to.equal('Live');

    fake.status({ state: 'reconnecting', attempt: 3 });
    await settle(chat);
    expect(pill()).to.equal('Reconnecting (attempt 3)…');

    fake.emit({ type: 'resumed', mode: 'replay', missed: 4 });
    fake.status({ state: 'live', resumes: 1, lastSeq: 45 });
    await settle(chat);
    expect(pill()).to.equal('Reconnected: 4 missed events caught up');

    fake.status({ state: 'reconnecting', attempt: 1 });
    fake.emit({ type: 'resumed', mode: 'snapshot', missed: 0 });
    fake.status({ state: 'live', resumes: 2, lastSeq: 4101 });
    await settle(chat);
    expect(pill()).to.equal('Reconnected: reloaded the latest messages');

    fake.status({ state: 'stalled' });
    fake.emit({
      type: 'dead-link',
      reason: 'stream stalled (1500 ms without a frame)',
      during: 'stream',
    });
    fake.status({ state: 'reconnecting', attempt: 1 });
    await settle(chat);
    expect(pill()).to.equal('Stalled stream detected, reconnecting…');

    fake.status({ state: 'live', resumes: 3 });
    fake.emit({ type: 'dead-link', reason: 'no pong within 5000 ms', during: 'idle' });
    fake.status({ state: 'reconnecting', attempt: 1 });
    await settle(chat);
    expect(pill(), 'an idle link is lost, not a stalled stream').to.equal(
      'Connection lost, reconnecting…',
    );

    fake.status({ state: 'device-offline', attempt: 1 });
    await settle(chat);
    expect(pill()).to.equal('No network: reconnecting when it is back');
    expect($(chat, '[part="link-status"]').dataset.state).to.equal('device-offline');

    fake.status({ state: 'live', resumes: 2 });
    fake.emit({ type: 'gap', kind: 'offset', detail: 'delta past the end' });
    fake.status({ state: 'reconnecting', attempt: 1 });
    await settle(chat);
    expect(pill()).to.equal('Missed events, catching up…');
  });

  it('shows a final close with the server reason, and reconnects on request', async () => {
    const fake = new FakeClient();
    const chat = await chatWith(fake);
    const errors: string[] = [];
    chat.addEventListener('realstream-error', (e) =>
      errors.push(`${e.detail.source}:${e.detail.code}`),
    );
    fake.status({ state: 'unauthorised', reason: reasons.tokenExpiredGetToken });
    await settle(chat);
    expect(text($(chat, '[part="link-status"]'))).to.contain(
      'Not authorised: token expired: getToken will be asked for a new one on reconnect',
    );
    expect($<HTMLTextAreaElement>(chat, 'textarea').disabled).to.equal(true);
    expect(text($(chat, '#composer-status'))).to.equal('Not authorised to post in this room.');
    expect(errors).to.deep.equal(['connection:unauthorised']);
    $<HTMLButtonElement>(chat, '[part="link-status"] button').click();
    expect(fake.calls.map((c) => c.method)).to.include('reconnect');

    fake.status({ state: 'offline', reason: reasons.protocolMismatch });
    await settle(chat);
    expect(text($(chat, '[part="link-status"]'))).to.contain(
      'Offline: this client speaks protocol 1, the server 2: upgrade @realstream/client',
    );
  });

  it('says why it is still not connected, except for a plain drop', async () => {
    const fake = new FakeClient();
    fake.status({ state: 'connecting', attempt: 4, reason: reasons.unreachable });
    const chat = await chatWith(fake);
    const pill = () => text($(chat, '[part="link-status"]'));
    expect(pill()).to.equal(
      'Not connected: cannot reach wss://chat.example.com/parties/main/lobby (4 attempts): still retrying, with backoff',
    );
    fake.status({ state: 'connecting', attempt: 2, reason: reasons.roomFull });
    await settle(chat);
    expect(pill()).to.equal('Not connected: room is full (1000 connections): retrying in 4 s');
    fake.status({ state: 'reconnecting', attempt: 2, reason: reasons.connectionLost });
    await settle(chat);
    expect(pill()).to.equal('Reconnecting (attempt 2)…');
  });

  it('wraps a long reason inside the chat, the Reconnect button in view', async () => {
    const fake = new FakeClient();
    fake.status({ state: 'unauthorised', reason: reasons.tokenBadSignature });
    const chat = await chatWith(fake);
    chat.style.inlineSize = '480px';
    await settle(chat);
    const box = chat.getBoundingClientRect();
    for (const part of ['[part="link-status"]', '[part="link-status"] button']) {
      const r = $(chat, part).getBoundingClientRect();
      expect(r.right, `${part} right edge`).to.be.at.most(box.right + 0.5);
      expect(r.left, `${part} left edge`).to.be.at.least(box.left - 0.5);
    }
  });
});

describe('realstream-chat composer states', () => {
  it('lets a viewer read but not write, and says why', async () => {
    const fake = new FakeClient();
    fake.status({ user: { id: 'u-v', name: 'Vic', role: 'viewer' } });
    const chat = await chatWith(fake);
    expect($<HTMLTextAreaElement>(chat, 'textarea').disabled).to.equal(true);
    expect(text($(chat, '#composer-status'))).to.equal(
      'You can read this room but not post (viewer).',
    );
  });

  it('keeps the draft editable while reconnecting, but does not send', async () => {
    const fake = new FakeClient();
    fake.status({ state: 'reconnecting', attempt: 2 });
    const chat = await chatWith(fake);
    const area = $<HTMLTextAreaElement>(chat, 'textarea');
    expect(area.disabled).to.equal(false);
    area.value = 'draft';
    area.dispatchEvent(new InputEvent('input'));
    await chat.updateComplete;
    expect($<HTMLButtonElement>(chat, '[part="send-button"]').disabled).to.equal(true);
    expect(text($(chat, '#composer-status'))).to.equal(
      'Waiting for the connection; you can keep typing.',
    );
    chat.send();
    expect(fake.calls.filter((c) => c.method === 'send')).to.have.length(0);
  });

  it('counts characters near the server cap and refuses to send past it', async () => {
    const fake = new FakeClient(); // maxMessageChars: 100
    const chat = await chatWith(fake);
    const area = $<HTMLTextAreaElement>(chat, 'textarea');
    const type = async (value: string) => {
      area.value = value;
      area.dispatchEvent(new InputEvent('input'));
      await chat.updateComplete;
    };
    await type('x'.repeat(79));
    expect(text($(chat, '#composer-counter'))).to.equal('');
    await type('x'.repeat(80));
    expect(text($(chat, '#composer-counter'))).to.equal('80 / 100');
    await type('x'.repeat(103));
    expect(text($(chat, '#composer-counter'))).to.equal('103 / 100');
    expect(text($(chat, '#composer-status'))).to.equal('3 characters over the limit');
    expect(area.getAttribute('aria-invalid')).to.equal('true');
    expect($<HTMLButtonElement>(chat, '[part="send-button"]').disabled).to.equal(true);
  });

  it('fires a cancelable realstream-message-send before sending', async () => {
    const fake = new FakeClient();
    const chat = await chatWith(fake);
    const area = $<HTMLTextAreaElement>(chat, 'textarea');
    area.value = '  \nhello\n  ';
    area.dispatchEvent(new InputEvent('input'));
    await chat.updateComplete;
    let seen = '';
    const veto = (e: Event) => e.preventDefault();
    chat.addEventListener('realstream-message-send', veto, { once: true });
    chat.send();
    expect(fake.calls.filter((c) => c.method === 'send')).to.have.length(0);
    expect(area.value, 'a vetoed send keeps the draft').to.equal('  \nhello\n  ');
    document.addEventListener('realstream-message-send', (e) => (seen = e.detail.text), {
      once: true,
    });
    chat.send();
    expect(seen, 'bubbles and is composed').to.equal('hello');
    expect(fake.calls.find((c) => c.method === 'send')!.args).to.deep.equal(['hello']);
    await chat.updateComplete;
    expect(area.value).to.equal('');
  });
});

describe('realstream-chat message states', () => {
  it('shows sending, failed (with retry and discard), streaming, stopped, interrupted and failed replies', async () => {
    const fake = new FakeClient();
    const me = { kind: 'user' as const, authorId: 'u-me' };
    fake.$messages.set([
      message('sent one', me),
      message('on its way', { ...me, seq: 0, local: 'sending' }),
      message('refused', {
        ...me,
        seq: 0,
        local: 'failed',
        error: { code: 'rate_limited', message: 'slow down' },
      }),
      message('', { kind: 'assistant', status: 'streaming' }),
      message('half a reply', { kind: 'assistant', status: 'stopped' }),
      message('saved part', { kind: 'assistant', status: 'interrupted' }),
      message('', {
        kind: 'assistant',
        status: 'failed',
        error: { code: 'responder_failed', message: 'model down' },
      }),
      message('hello from Ada', { authorId: 'u-ada' }),
    ]);
    const chat = await chatWith(fake);
    const states = $$(chat, 'article').map((a) => a.dataset.state);
    expect(states).to.deep.equal([
      'sent',
      'sending',
      'failed',
      'streaming',
      'stopped',
      'interrupted',
      'error',
      'sent',
    ]);
    const [sent, sending, failed, thinking, stopped, interrupted, error, other] = $$(
      chat,
      'article',
    );
    expect(text(sent.querySelector('[part="state"]'))).to.equal('Sent');
    expect(text(sending.querySelector('[part="state"]'))).to.equal('Sending…');
    expect(text(failed)).to.contain('slow down');
    expect(text(thinking)).to.contain('Thinking…');
    expect(thinking.getAttribute('aria-busy')).to.equal('true');
    expect(text(stopped.querySelector('[part="state"]'))).to.equal('Stopped');
    expect(interrupted.querySelector('[part="state"]')!.getAttribute('title')).to.contain(
      'restarted',
    );
    expect(text(error)).to.contain('Reply failed: model down');
    expect(text(other.querySelector('.message__author'))).to.equal('Ada');
    expect(text(other.querySelector('[part="role"]'))).to.equal('member');
    expect(other.querySelector('[part="state"]'), 'no "sent" tick on other people').to.equal(null);
    const [retry, discard] = failed.querySelectorAll('button');
    retry.click();
    discard.click();
    await expect(chat).to.be.accessible();
    const acts = fake.calls.filter((c) => c.method === 'retry' || c.method === 'discard');
    expect(acts.map((c) => `${c.method}:${c.args[0]}`)).to.deep.equal([
      `retry:${failed.dataset.id}`,
      `discard:${failed.dataset.id}`,
    ]);
  });

  it('shows presence and typing in the header', async () => {
    const fake = new FakeClient();
    fake.$presence.set([
      { id: 'a', name: 'Ada', role: 'member' },
      { id: 'b', name: 'Bob', role: 'member' },
      { id: 'u-me', name: 'Me', role: 'member' },
    ]);
    fake.$typing.set([
      { id: 'a', name: 'Ada', role: 'member' },
      { id: 'b', name: 'Bob', role: 'member' },
    ]);
    const chat = await chatWith(fake);
    const presence = $(chat, '[part="presence"]');
    expect(text(presence.querySelector('[aria-hidden="true"]:not(.rs-badge__dot)'))).to.equal(
      '3 here',
    );
    expect(text(presence.querySelector('.rs-sr-only'))).to.equal('3 people here: Ada, Bob and Me');
    expect(text($(chat, '[part="typing"]'))).to.equal('Ada and Bob are typing…');
  });
});

describe('realstream-chat reply events', () => {
  /** Every stream and error event the chat fires, in order. */
  function record(chat: RealstreamChat): string[] {
    const seen: string[] = [];
    chat.addEventListener('realstream-stream-start', (e) =>
      seen.push(`start:${e.detail.messageId}`),
    );
    chat.addEventListener('realstream-stream-end', (e) =>
      seen.push(`end:${e.detail.messageId}:${e.detail.status}`),
    );
    chat.addEventListener('realstream-error', (e) =>
      seen.push(`error:${e.detail.source}:${e.detail.code}:${e.detail.message}`),
    );
    return seen;
  }

  it('fires start, end and a reply error for every failed reply, before or after its first token', async () => {
    const fake = new FakeClient();
    fake.status({ state: 'live' });
    const question = message('Hello?', { authorId: 'u-me' });
    const old = message('An old failure', {
      kind: 'assistant',
      status: 'failed',
      error: { code: 'timeout', message: 'openai did not start replying within 30 s' },
    });
    fake.$messages.set([old, question]);
    const chat = await chatWith(fake);
    const seen = record(chat);

    // Failed before its first token: created and failed between two renders.
    const refused = message('', {
      kind: 'assistant',
      status: 'failed',
      error: { code: 'tools_unsupported', message: 'the model takes no tools' },
    });
    fake.$messages.set([old, question, refused]);
    await settle(chat);
    // Failed after streaming some text.
    const cut = message('Half a', { kind: 'assistant', status: 'streaming' });
    fake.$messages.set([old, question, refused, cut]);
    await settle(chat);
    fake.$messages.set([
      old,
      question,
      refused,
      { ...cut, status: 'failed', error: { code: 'timeout', message: 'went silent' } },
    ]);
    await settle(chat);
    // A short reply that began and completed between two renders.
    const quick = message('Yes.', { kind: 'assistant', status: 'complete' });
    fake.$messages.set([...fake.$messages.get(), quick]);
    await settle(chat);

    expect(seen).to.deep.equal([
      `start:${refused.id}`,
      `end:${refused.id}:failed`,
      `error:reply:tools_unsupported:the model takes no tools`,
      `start:${cut.id}`,
      `end:${cut.id}:failed`,
      'error:reply:timeout:went silent',
      `start:${quick.id}`,
      `end:${quick.id}:complete`,
    ]);
    // Shown inline, with Retry.
    const failed = $$(chat, 'article.message--assistant').filter(
      (a) => a.dataset.state === 'error',
    );
    expect(failed.map((a) => a.dataset.id)).to.include.members([refused.id, cut.id]);
  });

  it('fires nothing for replies a snapshot or a catch-up brings', async () => {
    const fake = new FakeClient();
    fake.status({ state: 'connecting' });
    const chat = await chatWith(fake);
    const seen = record(chat);
    const failed = message('', {
      kind: 'assistant',
      status: 'failed',
      error: { code: 'busy', message: 'too many replies' },
    });
    fake.$messages.set([message('Hi'), failed]);
    await settle(chat);
    fake.status({ state: 'live' });
    await settle(chat);
    fake.status({ state: 'reconnecting', attempt: 1 });
    fake.$messages.set([...fake.$messages.get(), message('Missed', { kind: 'assistant' })]);
    await settle(chat);
    fake.status({ state: 'live', resumes: 1 });
    await settle(chat);
    expect(seen).to.deep.equal([]);
  });
});

describe('realstream-chat theming', () => {
  it('takes every string from `strings`', async () => {
    const fake = new FakeClient();
    fake.$messages.set([message('hi', { kind: 'assistant', status: 'stopped' })]);
    const chat = await chatWith(fake, (c) => {
      c.strings = { stopped: 'Angehalten', send: 'Senden', live: 'Verbunden', assistant: 'KI' };
    });
    expect(text($(chat, '[part="link-status"]'))).to.equal('Verbunden');
    expect($(chat, '[part="send-button"]').getAttribute('aria-label')).to.equal('Senden');
    expect(text($(chat, 'article [part="state"]'))).to.equal('Angehalten');
  });

  it('always renders its slots and exposes its parts', async () => {
    const chat = await chatWith(new FakeClient());
    for (const name of ['header', 'empty', 'footer'])
      expect($(chat, `slot[name="${name}"]`), name).to.exist;
    for (const part of [
      'base',
      'header',
      'transcript',
      'composer',
      'input',
      'send-button',
      'footer',
      'link-status',
      'jump',
      'empty',
    ]) {
      expect($(chat, `[part~="${part}"]`), part).to.exist;
    }
  });

  it('adopts the one shared stylesheet and themes by attribute', async () => {
    const a = await chatWith(new FakeClient(), (c) => (c.theme = 'dark'));
    const b = await chatWith(new FakeClient(), (c) => (c.theme = 'light'));
    expect(a.shadowRoot!.adoptedStyleSheets[0]).to.equal(b.shadowRoot!.adoptedStyleSheets[0]);
    expect(a.getAttribute('theme')).to.equal('dark');
    await expect(a).to.be.accessible();
    const bg = (c: RealstreamChat) => getComputedStyle($(c, '.chat')).backgroundColor;
    expect(bg(a)).to.not.equal(bg(b));
    // A page overrides a token from outside the shadow root.
    b.style.setProperty('--rs-color-surface', 'rgb(1, 2, 3)');
    expect(bg(b)).to.equal('rgb(1, 2, 3)');
  });

  it('lays out right to left with dir="rtl"', async () => {
    const fake = new FakeClient();
    fake.$messages.set([message('mine', { authorId: 'u-me' })]);
    const ltr = await chatWith(fake);
    const rtl = await chatWith(fake, (c) => (c.dir = 'rtl'));
    const side = (c: RealstreamChat) => {
      const column = $(c, '.chat__column').getBoundingClientRect();
      const bubble = $(c, '.message--mine .message__body').getBoundingClientRect();
      return bubble.left - column.left < column.right - bubble.right ? 'left' : 'right';
    };
    expect(side(ltr)).to.equal('right');
    expect(side(rtl)).to.equal('left');
  });

  it('registers a tag once, whatever calls define()', () => {
    RealstreamChat.define('realstream-chat');
    class Other extends RealstreamChat {}
    Other.define('realstream-chat');
    expect(customElements.get('realstream-chat')).to.equal(RealstreamChat);
  });
});

describe('realstream-chat history', () => {
  it('loads older messages near the top without moving what the reader sees', async () => {
    const fake = new FakeClient();
    const page = (from: number) =>
      Array.from({ length: 15 }, (_, i) =>
        message(`message ${from + i}\n\nwith a second paragraph`, { authorId: 'u-ada' }),
      );
    const older = page(0);
    const latest = page(15);
    fake.olderPages = [older];
    fake.$messages.set(latest);
    const chat = await chatWith(fake);
    const log = $(chat, '[part="transcript"]');
    expect(log.scrollTop + log.clientHeight).to.be.closeTo(log.scrollHeight, 2);
    const anchor = $$(chat, 'article')[1];
    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
    const top = anchor.getBoundingClientRect().top;
    await settle(chat);
    await settle(chat);
    expect(fake.calls.filter((c) => c.method === 'loadOlder')).to.have.length(1);
    expect($$(chat, 'article')).to.have.length(30);
    expect(anchor.getBoundingClientRect().top).to.be.closeTo(top, 1);
    expect(text($(chat, '[part="history"]'))).to.equal('This is the start of the conversation');
  });
});
