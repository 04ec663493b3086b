/// <reference types="mocha" />
// <realstream-tools> against a real server: it connects by itself, lists the room's built-in
// tools, runs one from its form, and shows the call the room ran, with its result.
import { expect } from '@open-wc/testing';
import type { ToolCall } from '@realstream/client';
import { testServer, uniqueRoom, waitFor } from '../../test/helpers.js';
import { $, $$, settle, text } from '../../test/mount.js';
import '../define.js';
import type { RealstreamTools } from './tools.js';

describe('realstream-tools with a server', () => {
  let el: RealstreamTools | undefined;
  afterEach(() => el?.remove());

  it('runs math.evaluate from the form and shows the result in the history', async () => {
    const { host } = await testServer();
    el = document.createElement('realstream-tools');
    Object.assign(el, { host, room: uniqueRoom('tools'), name: 'Ada' });
    document.body.append(el);
    const tools = el;
    await waitFor('the tool list', async () => {
      await settle(tools);
      return $$(tools, '[part~="tool"][data-name="math.evaluate"]').length === 1;
    });
    const results: ToolCall[] = [];
    el.addEventListener('realstream-tool-result', (e) => results.push(e.detail.call));

    $<HTMLButtonElement>(el, '[data-name="math.evaluate"] [part="tool-button"]').click();
    await settle(el);
    const form = $(el, 'realstream-schema-form') as HTMLElement & { updateComplete: Promise<void> };
    await form.updateComplete;
    const input = form.shadowRoot!.querySelector<HTMLInputElement>('input, textarea')!;
    input.value = '6 * 7';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await form.updateComplete;
    $<HTMLButtonElement>(el, '[part="run-button"]').click();

    await waitFor('the result event', () => results.length);
    expect(results[0].status).to.equal('done');
    expect(results[0].args).to.deep.equal({ expression: '6 * 7' });
    const card = await waitFor('the finished card', async () => {
      await settle(tools);
      return tools.shadowRoot!.querySelector<HTMLElement>(
        '[part~="tool-card"][data-status="done"]',
      );
    });
    expect(text($(card, '.tool-card__name'))).to.equal('math.evaluate');
    expect(text($(card, '[part="call-caller"]'))).to.equal('by You');
    expect(JSON.parse($(card, '[part="call-result"]').textContent!)).to.deep.include({
      result: 42,
    });
  });
});
