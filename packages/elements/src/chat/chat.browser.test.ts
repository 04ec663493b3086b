/// <reference types="mocha" />
// <realstream-chat> against a real `partykit dev` (started by the wtr config): streaming,
// keyboard, XSS, reconnects mid-stream, scrolling and accessibility, as a reader would see them.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { render } from 'lit';
import { serverMessages, testServer, uniqueRoom, waitFor } from '../../test/helpers.js';
import { $, $$, settle, text } from '../../test/mount.js';
import { XSS_PAYLOADS, inertProblems } from '../../test/xss.js';
import { defaultMarkdownStrings } from '../internal/markdown/context.js';
import { renderMarkdown } from '../internal/markdown/stream.js';
import type { RealstreamChat } from './chat.js';

const opened: HTMLElement[] = [];
afterEach(() => {
  for (const el of opened.splice(0)) el.remove();
});

/** A chat that connects itself to a fresh room of the test server. */
async function openChat(
  opts: { room?: string; name?: string; height?: number } = {},
): Promise<RealstreamChat> {
  const { host } = await testServer();
  const wrapper = document.createElement('div');
  wrapper.style.blockSize = `${opts.height ?? 640}px`;
  const chat = document.createElement('realstream-chat');
  chat.host = host;
  chat.room = opts.room ?? uniqueRoom('chat');
  chat.name = opts.name ?? 'Ada';
  wrapper.append(chat);
  document.body.append(wrapper);
  opened.push(wrapper);
  await waitFor('live', () => chat.client?.$status.get().state === 'live');
  await settle(chat);
  return chat;
}

const replies = (chat: RealstreamChat) => $$(chat, 'article.message--assistant');
const done = (a: HTMLElement) => a.dataset.state !== 'streaming';

async function type(chat: RealstreamChat, value: string): Promise<void> {
  $<HTMLTextAreaElement>(chat, 'textarea').focus();
  await sendKeys({ type: value });
}

/** What the server's text renders to on its own: the reference a live transcript must equal. */
function reference(markdown: string): string {
  const div = document.createElement('div');
  render(renderMarkdown(markdown, defaultMarkdownStrings), div);
  return text(div);
}

async function expectTranscriptMatchesServer(chat: RealstreamChat): Promise<void> {
  const server = await serverMessages(chat.room!);
  expect(chat.client!.transcript().map((m) => m.text)).to.deep.equal(server.map((m) => m.text));
  const shown = $$(chat, 'article');
  expect(shown.map((a) => a.dataset.id)).to.deep.equal(server.map((m) => m.id));
  for (const [i, m] of server.entries()) {
    expect(text(shown[i].querySelector('[part="message-body"]')), m.id).to.equal(reference(m.text));
  }
}

describe('realstream-chat with a server', () => {
  it('streams a reply, re-rendering only its growing tail, and announces start and end', async () => {
    const chat = await openChat();
    const events: string[] = [];
    for (const type of [
      'realstream-message-send',
      'realstream-stream-start',
      'realstream-stream-end',
    ] as const) {
      chat.addEventListener(type, (e) =>
        events.push(`${type.slice(11)}:${'status' in e.detail ? e.detail.status : ''}`),
      );
    }
    const announced: string[] = [];
    const region = $(chat, '.chat__announcer');
    new MutationObserver(() => region.textContent && announced.push(region.textContent)).observe(
      region,
      {
        childList: true,
        characterData: true,
        subtree: true,
      },
    );

    await type(chat, 'Tell me about streams');
    await sendKeys({ press: 'Enter' });
    const reply = await waitFor('three blocks of the reply', () => {
      const a = replies(chat)[0];
      return a && a.querySelector('[part="message-body"]')!.children.length >= 4 ? a : null;
    });
    expect(reply.dataset.state).to.equal('streaming');
    const body = reply.querySelector('[part="message-body"]')!;
    const early = [...body.children].slice(0, 2);
    const mutations: MutationRecord[] = [];
    const observer = new MutationObserver((r) => mutations.push(...r));
    for (const node of early)
      observer.observe(node, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    await waitFor('reply complete', () => done(reply), 20_000);
    await settle(chat);
    mutations.push(...observer.takeRecords());
    observer.disconnect();

    expect(mutations, 'early blocks were not touched while the reply streamed').to.have.length(0);
    for (const node of early) expect(node.isConnected).to.equal(true);
    expect(reply.dataset.state).to.equal('complete');
    for (const selector of [
      'h3',
      'ol > li',
      'ul > li',
      'figure.md-code',
      'table',
      'blockquote',
      'strong',
      'em',
      'code.md-codespan',
    ]) {
      expect(body.querySelector(selector), selector).to.exist;
    }
    expect(text(body.querySelector('.md-code__lang'))).to.equal('ts');
    expect(events).to.deep.equal(['message-send:', 'stream-start:', 'stream-end:complete']);
    await waitFor('end announced', () => announced.length === 2);
    expect(announced, 'start and end, not every token').to.deep.equal([
      'Assistant is replying',
      'Assistant finished replying',
    ]);
    const mine = $(chat, 'article.message--mine');
    expect(mine.dataset.state).to.equal('sent');
    expect(text(mine.querySelector('.message__author'))).to.equal('You');
    await expectTranscriptMatchesServer(chat);
    await expect(chat).to.be.accessible();
  });

  it('works from the keyboard: Shift+Enter, Enter, Up and Esc', async () => {
    const chat = await openChat();
    const area = $<HTMLTextAreaElement>(chat, 'textarea');
    await type(chat, 'line one');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(area.value).to.equal('line one\nline two');
    expect($$(chat, 'article')).to.have.length(0);

    await sendKeys({ press: 'Enter' });
    await waitFor('my message', () => $(chat, 'article.message--mine'));
    expect(area.value).to.equal('');
    const sent = $(chat, 'article.message--mine [part="message-body"]');
    expect(text(sent)).to.equal('line oneline two');
    expect(sent.querySelector('p > br'), 'the newline is a line break').to.exist;

    await sendKeys({ press: 'ArrowUp' });
    await chat.updateComplete;
    expect(area.value, 'Up recalls the last message').to.equal('line one\nline two');
    expect(area.selectionStart).to.equal(area.value.length);

    await waitFor('reply streaming', () => replies(chat)[0]?.dataset.state === 'streaming');
    expect($(chat, '[part="stop-button"]')).to.exist;
    area.focus();
    await sendKeys({ press: 'Escape' });
    const reply = replies(chat)[0];
    await waitFor('reply stopped', () => reply.dataset.state === 'stopped');
    expect(text(reply.querySelector('[part="state"]'))).to.equal('Stopped');
    await settle(chat);
    expect($(chat, '[part="stop-button"]')).to.equal(null);
    await expectTranscriptMatchesServer(chat);
  });

  it('counts characters against the limit the server announced', async () => {
    const chat = await openChat();
    expect(chat.client!.$status.get().limits!.maxMessageChars).to.equal(2000);
    const area = $<HTMLTextAreaElement>(chat, 'textarea');
    area.value = 'x'.repeat(1700);
    area.dispatchEvent(new InputEvent('input'));
    await chat.updateComplete;
    expect(text($(chat, '#composer-counter'))).to.equal('1,700 / 2,000');
  });

  it('keeps hostile user and assistant text inert', async () => {
    window.__xss = undefined;
    const chat = await openChat();
    const area = $<HTMLTextAreaElement>(chat, 'textarea');
    // Through the composer, so the user's text takes the path a person's would.
    for (const payload of XSS_PAYLOADS.slice(0, 12)) {
      area.value = payload;
      area.dispatchEvent(new InputEvent('input'));
      await chat.updateComplete;
      chat.send();
    }
    // The demo reply quotes the prompt, so each reply carries its payload too.
    await waitFor(
      '12 replies complete',
      () => replies(chat).length === 12 && replies(chat).every(done),
      30_000,
    );
    for (const payload of XSS_PAYLOADS.slice(12))
      await chat.client!.send(payload, { reply: false });
    await waitFor(
      'all messages',
      () => $$(chat, 'article').length === 24 + XSS_PAYLOADS.length - 12,
    );
    await settle(chat);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(inertProblems($(chat, '[part="transcript"]'))).to.deep.equal([]);
    expect(window.__xss).to.equal(undefined);
    expect(text($(chat, 'article.message--mine'))).to.contain('<script>window.__xss = 1</script>');
    // The replies quote the payloads back (a server restart mid-run could cut some short).
    const quoted = replies(chat).filter((r) => text(r).includes('onerror=window.__xss=1'));
    expect(quoted.length).to.be.greaterThan(0);
  });

  it('survives reconnects mid-stream with no duplicated or missing text', async () => {
    const chat = await openChat();
    const client = chat.client!;
    await client.send('Reconnect while you answer');
    const reply = await waitFor('reply streaming', () => replies(chat)[0]);
    const length = () => text(reply.querySelector('[part="message-body"]')).length;
    await waitFor('some text', () => length() > 60);
    client.reconnect();
    await waitFor(
      'reconnecting shown',
      () => $(chat, '[part="link-status"]').dataset.state !== 'live',
    );
    const before = length();
    await waitFor(
      'more text after the reconnect',
      () => client.$status.get().state === 'live' && length() > before + 20,
    );
    client.reconnect();
    await waitFor('reply complete', () => done(reply), 20_000);
    await settle(chat);
    expect(client.$status.get().resumes).to.be.greaterThan(1);
    expect(text($(chat, '[part="link-status"]'))).to.match(
      /^Reconnected(, nothing missed|: \d+ missed events? caught up|: reloaded the latest messages)$/,
    );
    await expectTranscriptMatchesServer(chat);
  });

  it('follows the stream, stays put when the reader scrolls up, and counts what arrives', async () => {
    const chat = await openChat({ height: 360 });
    const log = $(chat, '[part="transcript"]');
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight <= 2;
    await chat.client!.send('First question');
    const reply = await waitFor('reply', () => replies(chat)[0]);
    await waitFor('the reply overflows', () => log.scrollHeight > log.clientHeight * 1.5);
    await settle(chat);
    expect(atBottom(), 'pinned to the end while streaming').to.equal(true);
    await waitFor('reply complete', () => done(reply), 20_000);

    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
    await chat.updateComplete;
    const jump = $<HTMLButtonElement>(chat, '[part="jump"]');
    expect(jump.hidden).to.equal(false);
    const { url } = await testServer();
    await fetch(`${url}/parties/main/${chat.room}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'From someone else', reply: false }),
    });
    await waitFor('unread count', () => text(jump).includes('1 new'));
    expect(log.scrollTop).to.equal(0);
    jump.click();
    await waitFor('back at the end', () => atBottom() && jump.hidden);
  });
});
