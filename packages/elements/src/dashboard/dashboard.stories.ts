// Every state of <realstream-dashboard>, driven by a scripted client that generates deterministic
// figures and frames (no server): the catalogue, and fixtures the smoke test opens in Chromium.
import { html, type TemplateResult } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { DeploymentWatch } from '@realstream/client';
import '../define.js';
import type { Theme } from '../internal/base.js';
import { ada, lin, me, ScriptedClient, type ScriptedOptions } from '../stories/scripted-client.js';
import { reasons } from '../stories/reasons.js';
import { scriptedDeployment } from '../stories/scripted-ops.js';
import type { DashboardScope, DashboardSection } from './dashboard.js';

interface FrameOptions {
  theme?: Theme;
  dir?: 'ltr' | 'rtl';
  section?: DashboardSection;
  scope?: DashboardScope;
  deployment?: DeploymentWatch;
  dark?: boolean;
}

let current: ScriptedClient | undefined;
let currentDeployment: DeploymentWatch | undefined;

/** A fresh client per render (the previous story's timers stop), in a room provider. */
function dashboard(
  client: ScriptedClient,
  {
    theme = 'light',
    dir,
    section = 'overview',
    scope = 'room',
    deployment,
    dark,
  }: FrameOptions = {},
): TemplateResult {
  current?.close();
  currentDeployment?.close();
  current = client;
  currentDeployment = deployment;
  return html`<div
    class="story-frame ${dark ? 'story-frame--dark' : ''}"
    dir=${dir ?? 'ltr'}
    style="padding: 0"
  >
    <realstream-room .client=${client}>
      <realstream-dashboard
        theme=${theme}
        section=${section}
        scope=${scope}
        .deployment=${deployment}
      ></realstream-dashboard>
    </realstream-room>
  </div>`;
}

const people = [ada, me, lin, { id: 'u-vic', name: 'Vic Osei', role: 'viewer' as const }];

/** An operator (Ada) in a busy room. */
function room(name: string, opts: ScriptedOptions = {}, load = 4): ScriptedClient {
  const client = new ScriptedClient(name, { presence: people, status: { user: ada }, ...opts });
  client.ops.load = load;
  return client;
}

/** Presses a control inside the dashboard once the story has rendered and run a while. */
function pressLater(client: ScriptedClient, ms: number, selector: string): void {
  client.after(ms, () =>
    document
      .querySelector('realstream-dashboard')
      ?.shadowRoot?.querySelector<HTMLButtonElement>(selector)
      ?.click(),
  );
}

const meta: Meta = {
  title: 'Elements/Dashboard',
  component: 'realstream-dashboard',
  parameters: { layout: 'fullscreen' },
};
export default meta;
type Story = StoryObj;

export const Live: Story = {
  name: 'Live (busy room)',
  render: () => dashboard(room('design-review')),
};

export const Connecting: Story = {
  render: () =>
    dashboard(room('connecting', { status: { state: 'connecting', attempt: 1, user: undefined } })),
};

export const Stale: Story = {
  name: 'Stale (link lost)',
  render: () => {
    const client = room('stale');
    client.after(2500, () => client.status({ state: 'reconnecting', attempt: 3 }));
    return dashboard(client);
  },
};

export const NotAnOperator: Story = {
  name: 'Unauthorised (not an operator)',
  render: () => dashboard(room('members-only', { status: { user: me } })),
};

export const TokenRefused: Story = {
  name: 'Unauthorised (token refused)',
  render: () =>
    dashboard(
      room('refused', {
        status: { state: 'unauthorised', reason: reasons.tokenExpiredGetToken, user: undefined },
      }),
    ),
};

export const EmptyRoom: Story = {
  name: 'Empty room',
  render: () => dashboard(room('empty', { presence: [ada] }, 0)),
};

export const DevMode: Story = {
  name: 'Dev mode (auth off)',
  render: () => dashboard(room('dev', { status: { user: ada, devMode: true } })),
};

export const People: Story = {
  render: () => dashboard(room('people'), { section: 'people' }),
};

export const Tools: Story = {
  render: () => dashboard(room('tools'), { section: 'tools' }),
};

export const Settings: Story = {
  name: 'Settings (responder and prompt)',
  render: () =>
    dashboard(room('settings', { status: { user: ada, responders: ['demo', 'openai'] } }), {
      section: 'settings',
    }),
};

export const AllRooms: Story = {
  name: 'All rooms',
  render: () => dashboard(room('lobby'), { scope: 'deployment', deployment: scriptedDeployment() }),
};

export const Feed: Story = {
  name: 'Event feed',
  render: () => {
    const client = room('feed');
    pressLater(client, 1500, '[part~="feed-row"]');
    return dashboard(client, { section: 'feed' });
  },
};

export const FeedPaused: Story = {
  name: 'Event feed paused',
  render: () => {
    const client = room('feed-paused');
    pressLater(client, 1200, '[part="feed-pause"]');
    return dashboard(client, { section: 'feed' });
  },
};

export const FeedSampled: Story = {
  name: 'Event feed sampled',
  render: () => {
    const client = room('feed-sampled');
    client.ops.sampled = true;
    return dashboard(client, { section: 'feed' });
  },
};

export const ChartAsTable: Story = {
  name: 'Chart as table',
  render: () => {
    const client = room('chart-table');
    pressLater(client, 300, '[part~="chart-messages"] [part="chart-toggle"]');
    return dashboard(client);
  },
};

export const Dark: Story = {
  name: 'Dark theme',
  render: () => dashboard(room('dark'), { theme: 'dark', dark: true }),
};

export const RightToLeft: Story = {
  name: 'Right to left',
  render: () => dashboard(room('rtl'), { dir: 'rtl' }),
};
