// <realstream-chat> with tool cards under the assistant's replies: a call running with progress,
// calls that ended, and one awaiting an operator's approval (as the operator and as a member).
import { html, type TemplateResult } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { User } from '@realstream/client';
import '../define.js';
import {
  ada,
  me,
  msg,
  ScriptedClient,
  storyCall,
  type ScriptedOptions,
} from '../stories/scripted-client.js';

let current: ScriptedClient | undefined;

function chat(client: ScriptedClient): TemplateResult {
  current?.close();
  current = client;
  return html`<div class="story-frame">
    <realstream-room .client=${client}>
      <realstream-chat theme="light"></realstream-chat>
    </realstream-room>
  </div>`;
}

const assistant = { kind: 'assistant' as const, id: 'assistant', name: 'Assistant' };
const operator: User = { ...ada, role: 'operator' };

/** A question and the assistant's reply that uses tools; `calls` get the reply's id. */
function room(name: string, streaming: boolean, opts: ScriptedOptions = {}) {
  const q = msg(me, 'How many open tickets does Northwind have, and what time is it in London?');
  const reply = msg(
    'assistant',
    streaming ? 'Let me check the CRM.' : 'Northwind Traders has **2 open tickets**.',
    { replyTo: q.id, status: streaming ? 'streaming' : 'complete' },
  );
  return { client: new ScriptedClient(name, { messages: [q, reply], ...opts }), reply };
}

const meta: Meta = {
  title: 'Elements/Chat/Tool cards',
  component: 'realstream-chat',
  parameters: { layout: 'fullscreen' },
};
export default meta;
type Story = StoryObj;

export const Running: Story = {
  name: 'Running, with progress',
  render: () => {
    const { client, reply } = room('cards-running', true);
    client.after(50, () =>
      client.tools.start(
        storyCall(
          'crm.lookup',
          { customerId: 'C-10442', fields: ['openTickets'] },
          { caller: assistant, messageId: reply.id, status: 'running' },
        ),
        { hold: true },
      ),
    );
    return chat(client);
  },
};

export const Done: Story = {
  name: 'Done and failed',
  render: () => {
    const { client, reply } = room('cards-done', false);
    client.$calls.set([
      storyCall(
        'crm.lookup',
        { customerId: 'C-10442' },
        {
          caller: assistant,
          messageId: reply.id,
          decidedBy: 'Ada Lovelace',
          result: { customerId: 'C-10442', name: 'Northwind Traders', openTickets: 2 },
        },
      ),
      storyCall(
        'time.now',
        { timezone: 'Mars/Olympus' },
        {
          caller: assistant,
          messageId: reply.id,
          status: 'error',
          error: { code: 'invalid_arguments', message: 'Unknown time zone "Mars/Olympus"' },
        },
      ),
    ]);
    return chat(client);
  },
};

const awaiting = (name: string, opts: ScriptedOptions) => {
  const { client, reply } = room(name, true, opts);
  client.$calls.set([
    storyCall(
      'crm.lookup',
      { email: 'ceo@northwind.example' },
      { caller: assistant, messageId: reply.id, status: 'awaiting_approval' },
    ),
  ]);
  return chat(client);
};

export const AwaitingApprovalOperator: Story = {
  name: 'Awaiting approval (operator)',
  render: () => awaiting('cards-approve-op', { status: { user: operator } }),
};

export const AwaitingApprovalMember: Story = {
  name: 'Awaiting approval (member)',
  render: () => awaiting('cards-approve-member', {}),
};
