/// <reference types="mocha" />
// The reasoning disclosure above an assistant reply, against a fake client: "Thinking…" with a
// counter while the model reasons, "Thought for 12 sec" after, opened and closed by the reader
// (and kept so across deltas), withheld and redacted reasoning, the keyboard and axe.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ClientMessage } from '@realstream/client';
import { FakeClient, message } from '../../test/fake-client.js';
import { waitFor } from '../../test/helpers.js';
import { $, $$, chatWith, settle, text, unmountAll } from '../../test/mount.js';
import type { RealstreamChat } from './chat.js';

afterEach(unmountAll);

/** A room with a question and the assistant's reply to it, in English (for the units). */
async function roomWithReply(
  reply: Partial<ClientMessage>,
  setup: (chat: RealstreamChat) => void = () => {},
) {
  const fake = new FakeClient();
  const ask = message('Is 2^61 - 1 prime?', { authorId: 'u-me' });
  let current = message('', { kind: 'assistant', replyTo: ask.id, ...reply });
  fake.$messages.set([ask, current]);
  const chat = await chatWith(fake, (el) => {
    el.setAttribute('lang', 'en');
    setup(el);
  });
  /** The reply changes as the client would apply a delta or the completion. */
  const update = async (patch: Partial<ClientMessage>) => {
    current = { ...current, ...patch };
    fake.$messages.set([ask, current]);
    await settle(chat);
  };
  const reasoning = (patch: Partial<NonNullable<ClientMessage['reasoning']>>) =>
    update({ reasoning: { ...current.reasoning!, ...patch } });
  return { fake, chat, update, reasoning, id: current.id };
}

const disclosure = (chat: RealstreamChat) => $(chat, '[part="reasoning"]');
const summary = (chat: RealstreamChat) => text($(chat, '[part="reasoning-summary"]'));
const details = (chat: RealstreamChat) => $<HTMLDetailsElement>(chat, 'details[part="reasoning"]');

describe('realstream-chat reasoning', () => {
  it('says it is thinking, counting the seconds, with no typing dots and no announcements', async () => {
    const starts: string[] = [];
    const { chat, id } = await roomWithReply(
      {
        status: 'streaming',
        reasoning: { text: 'Mersenne numbers first.', startedAt: Date.now() - 3_200 },
      },
      (el) =>
        el.addEventListener('realstream-stream-start', (e) => starts.push(e.detail.messageId)),
    );
    // From the reply's startedAt (3.2 s ago when the test began; mounting takes a moment).
    const shown = () => Number(/^Thinking… (\d+) sec$/.exec(summary(chat))?.[1]);
    const first = shown();
    expect(first).to.be.within(3, 5);
    expect($(chat, '.message__thinking'), 'no typing dots under the disclosure').to.equal(null);
    expect($(chat, '[part="reasoning-summary"] span').getAttribute('aria-hidden')).to.equal('true');
    expect(details(chat).open, 'closed until the reader opens it').to.equal(false);
    expect(text($(chat, '[part="link-status"]')), 'reasoning is not a stall').to.equal('Live');

    // Nothing changes but the time: the counter moves on, and nothing is said about it.
    const region = $(chat, '.chat__announcer');
    await waitFor('the start to be announced', () => text(region) === 'Assistant is replying');
    let announced = 0;
    new MutationObserver(() => announced++).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
    await waitFor('the next second', () => shown() === first + 1, 5_000);
    await waitFor('the second after', () => shown() === first + 2, 5_000);
    expect(announced, 'the live region stays quiet while the counter ticks').to.equal(0);
    expect(starts, 'a reply that only reasons has started, once').to.deep.equal([id]);
    await expect(chat).to.be.accessible();
  });

  it('says how long it thought once the answer begins, and stops rendering for the time', async () => {
    const { chat, update } = await roomWithReply({
      status: 'streaming',
      reasoning: { text: 'Check small factors.', startedAt: Date.now() - 12_000 },
    });
    expect(summary(chat)).to.match(/^Thinking… 1[23] sec$/);
    await update({
      text: 'Yes: it is',
      reasoning: { text: 'Check small factors.', startedAt: Date.now() - 12_000, ms: 12_400 },
    });
    expect(summary(chat)).to.equal('Thought for 12 sec');
    expect(text($(chat, '.message--assistant [part="message-body"]'))).to.equal('Yes: it is');

    // No counter left: once the tick already due has passed, nothing wakes the element up.
    await new Promise((r) => setTimeout(r, 1_100));
    let renders = 0;
    const request = chat.requestUpdate.bind(chat);
    chat.requestUpdate = (...args: Parameters<typeof request>) => {
      renders++;
      request(...args);
    };
    await new Promise((r) => setTimeout(r, 2_100));
    chat.requestUpdate = request;
    expect(renders, 'no timer renders a reply that stopped reasoning').to.equal(0);

    await update({
      status: 'complete',
      text: 'Yes: it is a Mersenne prime.',
      reasoning: { text: 'Check small factors.', startedAt: 0, ms: 400 },
    });
    expect(summary(chat), 'under a second').to.equal('Thought for a moment');
  });

  it('stays open, or closed, as the reader left it while deltas arrive', async () => {
    const { chat, reasoning, update } = await roomWithReply({
      status: 'streaming',
      reasoning: { text: 'First,', startedAt: Date.now() },
    });
    $(chat, 'summary').click();
    await settle(chat);
    expect(details(chat).open).to.equal(true);
    await reasoning({ text: 'First, the small primes.\nThen Lucas–Lehmer.' });
    await reasoning({ text: 'First, the small primes.\nThen Lucas–Lehmer. It passes.' });
    expect(details(chat).open, 'still open after two deltas').to.equal(true);
    const body = $(chat, '[part="reasoning-body"]');
    expect(body.textContent).to.equal('First, the small primes.\nThen Lucas–Lehmer. It passes.');
    expect(getComputedStyle(body).whiteSpace, 'line breaks as the model wrote them').to.equal(
      'pre-wrap',
    );
    expect(body.checkVisibility(), 'shown').to.equal(true);

    await update({ text: 'It is prime.', reasoning: { text: 'x', startedAt: 0, ms: 2_000 } });
    expect(details(chat).open, 'open once the answer began').to.equal(true);
    $(chat, 'summary').click();
    await settle(chat);
    await update({ text: 'It is prime: 2^61 - 1 is the ninth Mersenne prime.' });
    expect(details(chat).open, 'closed stays closed').to.equal(false);
    expect($(chat, '[part="reasoning-body"]').checkVisibility()).to.equal(false);
  });

  it('opens and closes from the keyboard', async () => {
    const { chat } = await roomWithReply({
      status: 'complete',
      text: 'It is prime.',
      reasoning: { text: 'Lucas–Lehmer says so.', startedAt: 0, ms: 7_000 },
    });
    expect(summary(chat)).to.equal('Thought for 7 sec');
    $(chat, 'summary').focus();
    await sendKeys({ press: 'Enter' });
    await settle(chat);
    expect(details(chat).open, 'Enter opens').to.equal(true);
    await expect(chat).to.be.accessible();
    await sendKeys({ press: 'Space' });
    await settle(chat);
    expect(details(chat).open, 'Space closes').to.equal(false);
  });

  it('says a room shows reasoning to operators only, with nothing to open', async () => {
    const { chat, update } = await roomWithReply({
      status: 'streaming',
      reasoning: { text: '', startedAt: Date.now() - 1_000, withheld: true },
    });
    expect(summary(chat)).to.match(/^Thinking… [12] sec$/);
    expect(details(chat), 'no disclosure with an empty body').to.equal(null);
    expect(text(disclosure(chat))).to.contain('operators only');
    await update({
      status: 'complete',
      text: 'It is prime.',
      reasoning: { text: '', startedAt: 0, ms: 5_000, withheld: true },
    });
    expect(summary(chat)).to.equal('Thought for 5 sec');
    expect(text(disclosure(chat))).to.equal(
      'Thought for 5 sec · This room shows the reasoning to operators only.',
    );
    await expect(chat).to.be.accessible();
  });

  it('notes reasoning the provider withheld in part', async () => {
    const { chat } = await roomWithReply({
      status: 'complete',
      text: 'It is prime.',
      reasoning: { text: 'Visible part.', startedAt: 0, ms: 3_000, redacted: true },
    });
    $(chat, 'summary').click();
    await settle(chat);
    expect(text(details(chat))).to.contain('The provider withheld part of the reasoning.');
    expect($$(chat, '[part="reasoning"]')).to.have.length(1);
  });

  it('shows nothing for a reply without reasoning', async () => {
    const { chat } = await roomWithReply({ status: 'streaming' });
    expect(disclosure(chat)).to.equal(null);
    expect($(chat, '.message__thinking'), 'the typing dots, as before').to.not.equal(null);
  });
});
