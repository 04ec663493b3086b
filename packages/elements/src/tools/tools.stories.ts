// Every visual state of <realstream-tools>, driven by a scripted in-memory client (no server):
// the catalogue, and the fixtures the Storybook smoke suite opens in Chromium.
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { ToolCall, User } from '@realstream/client';
import '../define.js';
import type { Theme } from '../internal/base.js';
import {
  ada,
  demoTools,
  me,
  ScriptedClient,
  storyCall,
  type ScriptedOptions,
} from '../stories/scripted-client.js';
import { reasons } from '../stories/reasons.js';
import { RealstreamSchemaForm } from './schema-form.js';
import type { ToolsStrings } from './strings.js';
import { RealstreamTools } from './tools.js';

// Registered here too: until package.json lists src/tools/define.ts under "sideEffects", the
// bundler drops `import './tools/define.js'` from ../define.ts. Harmless after (define is guarded).
RealstreamSchemaForm.define('realstream-schema-form');
RealstreamTools.define('realstream-tools');

interface FrameOptions {
  theme?: Theme;
  dir?: 'ltr' | 'rtl';
  dark?: boolean;
  selected?: string;
  strings?: Partial<ToolsStrings>;
}

let current: ScriptedClient | undefined;

/** A fresh scripted client per render (the previous story's timers stop), in a room provider. */
function tools(
  client: ScriptedClient,
  { theme = 'light', dir, dark, selected, strings = {} }: FrameOptions = {},
): TemplateResult {
  current?.close();
  current = client;
  return html`<div class="story-frame ${dark ? 'story-frame--dark' : ''}" dir=${dir ?? 'ltr'}>
    <realstream-room .client=${client}>
      <realstream-tools
        style="--height: 100%"
        theme=${theme}
        selected=${ifDefined(selected)}
        .strings=${strings}
      ></realstream-tools>
    </realstream-room>
  </div>`;
}

const operator: User = { ...ada, role: 'operator' };
const viewer: User = { id: 'u-vic', name: 'Vic', role: 'viewer' };
const room = (name: string, opts: ScriptedOptions = {}) => new ScriptedClient(name, opts);
const as = (user: User): ScriptedOptions => ({ status: { user } });
const assistant = { kind: 'assistant' as const, id: 'assistant', name: 'Assistant' };

/** One ended call of each kind, as a busy room's history shows them. */
const endedCalls = (): ToolCall[] =>
  [
    storyCall(
      'time.now',
      { timezone: 'Europe/London' },
      {
        caller: { kind: 'user', id: me.id, name: me.name },
        result: {
          iso: '2026-11-24T09:30:00.000Z',
          timezone: 'Europe/London',
          local: '24 Nov 2026, 09:30',
        },
      },
    ),
    storyCall(
      'math.evaluate',
      { expression: '1 / (3 - 3)' },
      {
        caller: { kind: 'user', id: ada.id, name: ada.name },
        status: 'error',
        error: { code: 'tool_failed', message: 'Division by zero' },
      },
    ),
    storyCall(
      'crm.lookup',
      { email: 'ops@northwind.example' },
      {
        status: 'timeout',
        error: { code: 'timeout', message: 'The webhook did not answer within 10 s.' },
        endedAt: undefined,
      },
    ),
    storyCall(
      'text.stats',
      { text: 'A long draft…' },
      {
        caller: { kind: 'user', id: me.id, name: me.name },
        status: 'cancelled',
        progressText: 'Splitting words…\n',
        error: { code: 'cancelled', message: 'Cancelled by Sam Rivera.' },
      },
    ),
    storyCall(
      'crm.lookup',
      { customerId: 'C-20001' },
      {
        status: 'denied',
        decidedBy: 'Ada Lovelace',
        error: { code: 'denied', message: 'Not for this customer.' },
      },
    ),
  ].map((c) => (c.endedAt === undefined ? { ...c, endedAt: c.startedAt + 10_000 } : c));

const awaiting = () =>
  storyCall(
    'crm.lookup',
    { email: 'ceo@northwind.example', fields: ['plan', 'openTickets'] },
    {
      caller: assistant,
      status: 'awaiting_approval',
    },
  );

const meta: Meta = {
  title: 'Elements/Tools',
  component: 'realstream-tools',
  parameters: { layout: 'fullscreen' },
};
export default meta;
type Story = StoryObj;

/** Runs `fn` on the story's element once it has rendered (after the scripted client is set). */
const withElement =
  (fn: (el: RealstreamTools) => void | Promise<void>) =>
  async ({ canvasElement }: { canvasElement: HTMLElement }) => {
    const el = canvasElement.querySelector('realstream-tools')!;
    await el.updateComplete;
    await fn(el);
  };

export const NoTools: Story = {
  name: 'Empty room (no tools)',
  render: () => tools(room('empty', { tools: [] })),
};

export const AllBadges: Story = {
  name: 'List with every badge',
  render: () => tools(room('badges'), { selected: 'math.evaluate' }),
};

export const OperatorToggles: Story = {
  name: 'Operator (switches)',
  render: () => tools(room('operator', as(operator)), { selected: 'crm.lookup' }),
};

export const ViewerReadOnly: Story = {
  name: 'Viewer (read-only)',
  render: () => tools(room('viewer', as(viewer)), { selected: 'crm.lookup' }),
};

export const RunningCall: Story = {
  name: 'Running call with progress',
  render: () => {
    const client = room('running', { calls: endedCalls().slice(0, 2) });
    client.after(50, () =>
      client.tools.start(
        storyCall(
          'crm.lookup',
          { email: 'ops@northwind.example' },
          {
            caller: { kind: 'user', id: me.id, name: me.name },
            status: 'running',
          },
        ),
        { hold: true },
      ),
    );
    return tools(client, { selected: 'crm.lookup' });
  },
};

export const EndedCalls: Story = {
  name: 'Done, error, timeout, cancelled, denied',
  render: () => tools(room('ended', { calls: endedCalls() }), { selected: 'time.now' }),
};

export const AwaitingApprovalOperator: Story = {
  name: 'Awaiting approval (operator)',
  render: () => tools(room('approve-op', { ...as(operator), calls: [awaiting()] })),
};

export const AwaitingApprovalMember: Story = {
  name: 'Awaiting approval (member)',
  render: () => tools(room('approve-member', { calls: [awaiting()] })),
};

export const DisabledToolSelected: Story = {
  name: 'Disabled tool selected',
  render: () => tools(room('disabled'), { selected: 'text.stats' }),
};

export const InvalidInput: Story = {
  name: 'Invalid input shown',
  render: () => tools(room('invalid'), { selected: 'math.evaluate' }),
  play: withElement((el) => el.run()),
};

export const RefusedByRoom: Story = {
  name: 'Refused by the room (typed error)',
  render: () =>
    tools(
      room('refused', {
        refuseInvoke: {
          code: 'too_many_calls',
          message: 'This room already runs 4 calls; wait for one to end.',
        },
      }),
    ),
  play: withElement((el) => {
    el.select('math.evaluate', { expression: '(2 + 3) * 7' });
    return el.updateComplete.then(() => el.run());
  }),
};

export const OfflineLink: Story = {
  name: 'Offline link',
  render: () =>
    tools(
      room('offline', {
        calls: endedCalls().slice(0, 2),
        status: { state: 'offline', attempt: 0, reason: reasons.protocolMismatch },
      }),
      { selected: 'math.evaluate' },
    ),
};

export const DarkTheme: Story = {
  render: () =>
    tools(room('dark', { ...as(operator), calls: [...endedCalls(), awaiting()] }), {
      theme: 'dark',
      dark: true,
      selected: 'crm.lookup',
    }),
};

export const RightToLeft: Story = {
  name: 'RTL',
  render: () =>
    tools(room('rtl', { calls: endedCalls().slice(0, 3) }), {
      dir: 'rtl',
      selected: 'time.now',
      strings: {
        title: 'الأدوات',
        searchPlaceholder: 'ابحث عن أداة…',
        historyLabel: 'السجل',
        run: 'تشغيل',
      },
    }),
};

export const ManyTools: Story = {
  name: 'Long list (search)',
  render: () =>
    tools(
      room('many', {
        tools: [
          ...demoTools(),
          ...['weather.forecast', 'calendar.free-busy', 'docs.search', 'tickets.create'].map(
            (name) => ({
              ...demoTools()[4],
              name,
              title: name.replace('.', ' '),
              description: `Demo tool ${name}.`,
            }),
          ),
        ].sort((a, b) => a.name.localeCompare(b.name)),
      }),
    ),
};
