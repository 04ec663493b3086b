/// <reference types="mocha" />
// <realstream-chat>'s room actions against a fake client: retry the latest reply, clear the room
// (operators, with a confirmation), and who is watching a streaming reply.
import { expect } from '@open-wc/testing';
import { FakeClient, message } from '../../test/fake-client.js';
import { $, $$, chatWith, settle, text, unmountAll } from '../../test/mount.js';

afterEach(unmountAll);

const question = () => message('What is a room?', { authorId: 'u-me' });

describe('realstream-chat retry', () => {
  it('offers Retry on the latest reply only, once it has ended', async () => {
    const fake = new FakeClient();
    const q = question();
    const old = message('First answer', { kind: 'assistant', replyTo: q.id });
    const latest = message('Second answer', {
      kind: 'assistant',
      replyTo: q.id,
      status: 'streaming',
    });
    fake.$messages.set([q, old, latest]);
    const chat = await chatWith(fake);
    expect($$(chat, '[part~="retry-reply"]')).to.have.length(0, 'not while streaming');

    fake.$messages.set([q, old, { ...latest, status: 'stopped' }]);
    await settle(chat);
    const buttons = $$<HTMLButtonElement>(chat, '[part~="retry-reply"]');
    expect(buttons).to.have.length(1);
    expect(buttons[0].closest('[data-id]')?.getAttribute('data-id')).to.equal(latest.id);
    buttons[0].click();
    expect(fake.calls.filter((c) => c.method === 'retryReply')).to.deep.equal([
      { method: 'retryReply', args: [latest.id] },
    ]);
    await expect(chat).to.be.accessible();
  });

  it('offers no Retry to a viewer or while the link is down', async () => {
    const fake = new FakeClient();
    const q = question();
    fake.$messages.set([q, message('Answer', { kind: 'assistant', replyTo: q.id })]);
    fake.status({ user: { id: 'u-v', name: 'Vic', role: 'viewer' } });
    const chat = await chatWith(fake);
    expect($$(chat, '[part~="retry-reply"]')).to.have.length(0);
    fake.status({ user: { id: 'u-me', name: 'Me', role: 'member' }, state: 'reconnecting' });
    await settle(chat);
    expect($$(chat, '[part~="retry-reply"]')).to.have.length(0);
    fake.status({ state: 'live' });
    await settle(chat);
    expect($$(chat, '[part~="retry-reply"]')).to.have.length(1);
  });
});

describe('realstream-chat clear room', () => {
  it('lets an operator clear after confirming, and cancel without clearing', async () => {
    const fake = new FakeClient();
    fake.status({ user: { id: 'u-op', name: 'Olga', role: 'operator' } });
    const chat = await chatWith(fake);
    $<HTMLButtonElement>(chat, '[part="clear"] button').click();
    await settle(chat);
    expect(text($(chat, '[part="clear"]'))).to.contain('Remove every message for everyone?');
    expect(chat.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Cancel');
    await expect(chat).to.be.accessible();

    chat.shadowRoot!.activeElement instanceof HTMLButtonElement &&
      chat.shadowRoot!.activeElement.click();
    await settle(chat);
    expect(fake.calls.some((c) => c.method === 'clearRoom')).to.equal(false);
    expect(text($(chat, '[part="clear"]'))).to.equal('Clear');

    $<HTMLButtonElement>(chat, '[part="clear"] button').click();
    await settle(chat);
    const confirm = $$<HTMLButtonElement>(chat, '[part="clear"] button').find(
      (b) => b.textContent?.trim() === 'Clear room',
    )!;
    confirm.click();
    await settle(chat);
    expect(fake.calls.filter((c) => c.method === 'clearRoom')).to.have.length(1);
  });

  it('shows no clear control to members', async () => {
    const chat = await chatWith(new FakeClient());
    expect($$(chat, '[part="clear"]')).to.have.length(0);
  });
});

describe('realstream-chat watchers', () => {
  it('shows who else watches a streaming reply, and reports what the reader watches', async () => {
    const fake = new FakeClient();
    const q = question();
    const reply = message('Streaming…', { kind: 'assistant', replyTo: q.id, status: 'streaming' });
    fake.$messages.set([q, reply]);
    const chat = await chatWith(fake);
    // The reader is at the bottom of a visible page: they watch the reply.
    expect(fake.calls.filter((c) => c.method === 'watch').at(-1)?.args).to.deep.equal([reply.id]);

    fake.$watchers.set(
      new Map([
        [
          reply.id,
          [
            { id: 'u-me', name: 'Me', role: 'member' },
            { id: 'u-ada', name: 'Ada', role: 'member' },
            { id: 'u-bo', name: 'Bo', role: 'viewer' },
          ],
        ],
      ]),
    );
    await settle(chat);
    expect(text($(chat, '[part="watchers"]'))).to.equal('Watching: Ada and Bo');

    fake.$messages.set([q, { ...reply, status: 'complete', text: 'Done.' }]);
    await settle(chat);
    expect($$(chat, '[part="watchers"]')).to.have.length(0);
    expect(fake.calls.filter((c) => c.method === 'watch').at(-1)?.args).to.deep.equal([null]);
  });
});
