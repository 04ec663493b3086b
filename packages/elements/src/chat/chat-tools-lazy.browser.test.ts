/// <reference types="mocha" />
// <realstream-chat> loads its tool cards' view and styles the first time a reply has a call: in a
// page of its own, so nothing has loaded the view before.
import { expect, waitUntil } from '@open-wc/testing';
import { FakeClient, message, toolCall } from '../../test/fake-client.js';
import { $, chatWith, text, unmountAll } from '../../test/mount.js';

afterEach(unmountAll);

const assistant = { kind: 'assistant' as const, id: 'assistant', name: 'Assistant' };

describe('realstream-chat tool cards, loaded when needed', () => {
  it('loads the card view with the first call, then shows it styled', async () => {
    const fake = new FakeClient();
    const reply = message('Looking it up…', { kind: 'assistant', status: 'streaming' });
    fake.$messages.set([reply]);
    const chat = await chatWith(fake);
    const sheets = chat.shadowRoot!.adoptedStyleSheets.length;

    fake.$calls.set([toolCall('crm.lookup', { messageId: reply.id, caller: assistant })]);
    const card = () => chat.shadowRoot!.querySelector<HTMLElement>('[part~="tool-card"]');
    await waitUntil(card, 'the card appears once its view has loaded', { timeout: 5000 });
    expect(chat.shadowRoot!.adoptedStyleSheets.length, 'the cards’ sheet, adopted').to.equal(
      sheets + 1,
    );
    expect(text($(card()!, '.tool-card__name'))).to.equal('crm.lookup');
    // The cards' own styles came with the view: unstyled, the card would be a plain block.
    expect(getComputedStyle(card()!).display).to.equal('flex');
  });
});
