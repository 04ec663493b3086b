/// <reference types="mocha" />
// <realstream-chat>'s tool cards: the calls an assistant reply made, under its text, live, with
// Approve / Deny for operators when a call waits for one.
import { expect } from '@open-wc/testing';
import { FakeClient, message, toolCall } from '../../test/fake-client.js';
import { $, $$, chatWith, settle, text, unmountAll } from '../../test/mount.js';
import { loadToolCardView } from './tool-cards.js';

// The card view is a chunk the chat loads with the first call it shows (that path:
// chat-tools-lazy.browser.test.ts); loaded up front here, so each test sees its cards at once.
before(() => loadToolCardView());
afterEach(unmountAll);

const assistant = { kind: 'assistant' as const, id: 'assistant', name: 'Assistant' };

function room() {
  const fake = new FakeClient();
  const q = message('Who is C-10442?', { authorId: 'u-me' });
  const reply = message('Looking them up…', {
    kind: 'assistant',
    replyTo: q.id,
    status: 'streaming',
  });
  const other = message('An older answer.', { kind: 'assistant' });
  fake.$messages.set([other, q, reply]);
  return { fake, reply, other };
}

const cardsOf = (chat: HTMLElement, id: string) => [
  ...chat.shadowRoot!.querySelectorAll<HTMLElement>(`[data-id="${id}"] [part~="tool-card"]`),
];

describe('realstream-chat tool cards', () => {
  it('shows the calls of each assistant reply under its text, live', async () => {
    const { fake, reply, other } = room();
    const lookup = toolCall('crm.lookup', {
      messageId: reply.id,
      caller: assistant,
      args: { customerId: 'C-10442' },
      progressText: 'POST https://crm.example.com/hooks/lookup…\n',
      percent: 50,
    });
    const clock = toolCall('time.now', {
      messageId: reply.id,
      caller: assistant,
      status: 'done',
      result: { iso: '2026-11-24T09:30:00.000Z' },
    });
    clock.endedAt = clock.startedAt + 12;
    const mine = toolCall('math.evaluate', { status: 'done', result: 4 }); // not a reply's call
    fake.$calls.set([lookup, clock, mine]);
    const chat = await chatWith(fake);

    expect(cardsOf(chat, other.id)).to.have.length(0);
    const cards = cardsOf(chat, reply.id);
    expect(cards.map((c) => c.dataset.callId)).to.deep.equal([lookup.callId, clock.callId]);
    expect($$(chat, '[part~="tool-card"]')).to.have.length(2);
    const [l, c] = cards;
    expect(text($(l, '.tool-card__name'))).to.equal('crm.lookup');
    expect(text($(l, '[part="call-status"]'))).to.equal('Running');
    expect($<HTMLDetailsElement>(l, '[part="call-args"]').open).to.equal(false);
    expect($(l, '[part="call-args"] pre').textContent).to.contain('"customerId": "C-10442"');
    expect($<HTMLProgressElement>(l, 'progress').value).to.equal(50);
    expect(text($(c, '[part="call-status"]'))).to.equal('Done');
    expect(text($(c, '[part="call-duration"]'))).to.equal('12 ms');
    // Under a reply the result is folded.
    expect($(c, '[part="call-result"]').closest('details')).to.exist;
    expect($(chat, '.message__tools').getAttribute('aria-label')).to.equal('Tools used');
    await expect(chat).to.be.accessible();

    // The message itself does not change: the card still follows its call.
    fake.$calls.set([
      {
        ...lookup,
        status: 'error',
        error: { code: 'http_502', message: 'The CRM answered 502' },
        endedAt: lookup.startedAt + 900,
      },
      clock,
      mine,
    ]);
    await settle(chat);
    const [after] = cardsOf(chat, reply.id);
    expect(text($(after, '[part="call-status"]'))).to.equal('Failed');
    expect(text($(after, '[part="call-error"]'))).to.equal('The CRM answered 502 (http_502)');
    expect($$(after, 'progress')).to.have.length(0);
  });

  it('shows Approve and Deny to operators only', async () => {
    const { fake, reply } = room();
    const call = toolCall('crm.lookup', {
      messageId: reply.id,
      caller: assistant,
      status: 'awaiting_approval',
    });
    fake.$calls.set([call]);
    const chat = await chatWith(fake);
    const [card] = cardsOf(chat, reply.id);
    expect($$(card, 'button')).to.have.length(0);
    expect(text($(card, '[part="call-waiting"]'))).to.equal('Waiting for an operator to approve');
    await expect(chat).to.be.accessible();

    fake.status({ user: { id: 'u-op', name: 'Olga', role: 'operator' } });
    await settle(chat);
    const [opCard] = cardsOf(chat, reply.id);
    expect($$(opCard, '[part="call-waiting"]')).to.have.length(0);
    $<HTMLButtonElement>(opCard, '[part="approve-button"]').click();
    $<HTMLButtonElement>(opCard, '[part="deny-button"]').click();
    expect(fake.argsOf('decideTool')).to.deep.equal([
      [call.callId, true],
      [call.callId, false],
    ]);
    await expect(chat).to.be.accessible();

    // Offline: the buttons stay but do nothing until the link is back.
    fake.status({ state: 'reconnecting', attempt: 1 });
    await settle(chat);
    expect($<HTMLButtonElement>(opCard, '[part="approve-button"]').disabled).to.equal(true);

    fake.status({ state: 'live' });
    fake.$calls.set([{ ...call, status: 'running', decidedBy: 'Olga' }]);
    await settle(chat);
    const [running] = cardsOf(chat, reply.id);
    expect($$(running, '[part="approve-button"]')).to.have.length(0);
    expect(text($(running, '.tool-card__note'))).to.equal('Approved by Olga');
  });

  it('reports a failed decision as a realstream-error', async () => {
    const { fake, reply } = room();
    fake.status({ user: { id: 'u-op', name: 'Olga', role: 'operator' } });
    fake.decideTool = () =>
      Promise.reject(Object.assign(new Error('Already decided'), { code: 'not_found' }));
    fake.$calls.set([
      toolCall('crm.lookup', {
        messageId: reply.id,
        caller: assistant,
        status: 'awaiting_approval',
      }),
    ]);
    const chat = await chatWith(fake);
    const errors: string[] = [];
    chat.addEventListener('realstream-error', (e) =>
      errors.push(`${e.detail.source}:${e.detail.code}`),
    );
    $<HTMLButtonElement>(cardsOf(chat, reply.id)[0], '[part="approve-button"]').click();
    await new Promise((r) => setTimeout(r));
    expect(errors).to.deep.equal(['tool:not_found']);
  });
});
