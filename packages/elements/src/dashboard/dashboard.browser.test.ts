/// <reference types="mocha" />
// <realstream-dashboard> against a fake client: every state, the tiles, charts and their tables,
// the people and tool tables, the event feed (filter, pause, JSON, export, sampling, a ring of
// thousands), the all-rooms scope from an injected source, theming and accessibility.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ContextProvider } from '@lit/context';
import { atom } from 'nanostores';
import type {
  ConnectionState,
  DeploymentMetrics,
  DeploymentWatch,
  RealstreamClient,
  RoomMetrics,
  SeriesPoint,
  StatusReason,
  TapEntry,
  WindowFigures,
} from '@realstream/client';
import { FakeClient } from '../../test/fake-client.js';
import { $, $$, settle, text } from '../../test/mount.js';
import { clientContext } from '../internal/context.js';
import { reasons } from '../stories/reasons.js';
import type { RealstreamDashboard } from './dashboard.js';
import { clock } from './model.js';

const mounted: HTMLElement[] = [];
const providers = new WeakMap<Element, ContextProvider<typeof clientContext>>();
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

async function dashboardWith(
  client: RealstreamClient,
  setup: (d: RealstreamDashboard) => void = () => {},
): Promise<RealstreamDashboard> {
  const wrapper = document.createElement('div');
  const provider = new ContextProvider(wrapper, { context: clientContext, initialValue: client });
  const el = document.createElement('realstream-dashboard');
  providers.set(el, provider);
  setup(el);
  wrapper.append(el);
  document.body.append(wrapper);
  mounted.push(wrapper);
  await settle(el);
  return el;
}

/** A fake operator on a live link (dev mode off). */
function operator(): FakeClient {
  const fake = new FakeClient();
  fake.status({ user: { id: 'u-me', name: 'Me', role: 'operator' }, connectionId: 'c-me' });
  return fake;
}

const T = Date.UTC(2026, 10, 25, 12, 0, 0);
const latency = (p50 = 0, count = 0) => ({ count, p50, p95: p50 * 2, p99: p50 * 3, max: p50 * 4 });
function figures(seconds: number, patch: Partial<WindowFigures> = {}): WindowFigures {
  return {
    seconds,
    ...{ joins: 0, leaves: 0, messagesIn: 0, messagesOut: 0, tokens: 0, replies: 0 },
    ...{ replyErrors: 0, resumes: 0, snapshots: 0, replayedEvents: 0, rateLimited: 0 },
    ...{ badFrames: 0, framesOut: 0, bytesOut: 0, storageWrites: 0, toolCalls: 0, toolErrors: 0 },
    ttft: latency(),
    replyDuration: latency(),
    ...patch,
  };
}
const series = (f: (i: number) => Partial<SeriesPoint> = () => ({})): SeriesPoint[] =>
  Array.from({ length: 90 }, (_, i) => ({
    t: T - (89 - i) * 10_000,
    ...{ messagesIn: 0, messagesOut: 0, tokens: 0, errors: 0 },
    ...{ ttftP50: 0, ttftP95: 0, ttftP99: 0 },
    ...f(i),
  }));

/** A room where nothing happened: only Me connected. */
function quiet(patch: Partial<RoomMetrics> = {}): RoomMetrics {
  return {
    room: 'fake-room',
    at: T,
    startedAt: T - 600_000,
    connections: { total: 1, viewer: 0, member: 0, operator: 1 },
    streaming: 0,
    toolsRunning: 0,
    lastMinute: figures(60),
    last15Minutes: figures(600),
    total: figures(600),
    tools: [],
    mcp: [],
    responders: [{ name: 'demo', replies: 0, errors: [], toolsRefused: null }],
    series: series(),
    bucketSeconds: 10,
    people: [
      {
        connectionId: 'c-me',
        userId: 'u-me',
        name: 'Me',
        role: 'operator',
        connectedAt: T - 65_000,
      },
    ],
    ...patch,
  };
}

/** A busy room: 3 people, 12 messages in the last minute, replies, a tool. */
function busy(): RoomMetrics {
  const w = { messagesIn: 12, messagesOut: 10, tokens: 600, replies: 10, replyErrors: 1 };
  return quiet({
    connections: { total: 3, viewer: 1, member: 1, operator: 1 },
    lastMinute: figures(60, { ...w, bytesOut: 61_440 }),
    last15Minutes: figures(900, {
      ...w,
      messagesIn: 90,
      replies: 80,
      toolCalls: 7,
      toolErrors: 2,
      resumes: 4,
      snapshots: 1,
      rateLimited: 3,
      badFrames: 2,
      ttft: latency(420, 80),
      replyDuration: latency(2500, 80),
    }),
    total: figures(3600, { ...w, messagesIn: 300 }),
    tools: [
      { name: 'math.evaluate', calls: 5, errors: 0, timeouts: 0, latency: latency(3, 5) },
      { name: 'web.fetch', calls: 2, errors: 1, timeouts: 1, latency: latency(900, 2) },
    ],
    responders: [
      {
        name: 'openai',
        replies: 80,
        errors: [
          { code: 'timeout', count: 2 },
          { code: 'provider_unavailable', count: 1 },
        ],
        toolsRefused: 'openai answered HTTP 400: gemma2:2b does not support tools',
      },
      { name: 'demo', replies: 0, errors: [], toolsRefused: null },
    ],
    series: series((i) => ({
      messagesIn: i % 5,
      messagesOut: i % 4,
      tokens: i * 10,
      ttftP50: 400 + i,
      errors: i === 89 ? 2 : 0,
    })),
    people: [
      {
        connectionId: 'c-me',
        userId: 'u-me',
        name: 'Me',
        role: 'operator',
        connectedAt: T - 65_000,
      },
      {
        connectionId: 'c-ada',
        userId: 'u-ada',
        name: 'Ada',
        role: 'member',
        connectedAt: T - 3_600_000 - 300_000,
      },
      {
        connectionId: 'c-vic',
        userId: 'u-vic',
        name: 'Vic',
        role: 'viewer',
        connectedAt: T - 12_000,
      },
    ],
  });
}

const tile = (d: Element, id: string) => $(d, `[part~="tile-${id}"]`);
const value = (d: Element, id: string) => text(tile(d, id).querySelector('.tile__figure'));
const detail = (d: Element, id: string) => text(tile(d, id).querySelector('.tile__detail'));
const methods = (fake: FakeClient) => fake.calls.map((c) => c.method);

describe('realstream-dashboard states', () => {
  it("waits for the link, then asks an operator's figures once", async () => {
    const fake = operator();
    fake.status({ state: 'connecting', user: undefined });
    const d = await dashboardWith(fake);
    expect(text($(d, '[part="link-status"]'))).to.equal('Connecting…');
    expect(text($(d, '[part="note"]'))).to.equal('Waiting for the first figures…');
    expect($(d, '[part="tiles"]').getAttribute('aria-busy')).to.equal('true');
    expect(methods(fake)).not.to.include('subscribeMetrics');
    fake.status({ state: 'live', user: { id: 'u-me', name: 'Me', role: 'operator' } });
    await settle(d);
    expect(fake.argsOf('subscribeMetrics')).to.have.length(1);
    fake.$metrics.set(busy());
    await settle(d);
    expect(value(d, 'people')).to.equal('3');
    expect(detail(d, 'people')).to.equal('1 operator · 1 member · 1 viewer');
    expect(value(d, 'messagesIn')).to.equal('0.2/s');
    expect(detail(d, 'messagesIn')).to.equal('90 in 15 min');
    expect(value(d, 'replies')).to.equal('80');
    expect(detail(d, 'replies')).to.equal('1 error');
    expect(tile(d, 'replies').classList.contains('tile--danger')).to.equal(true);
    expect(value(d, 'ttftP50')).to.equal('420ms');
    expect(value(d, 'ttftP95')).to.equal('840ms');
    expect(value(d, 'replyP95')).to.equal('5sec');
    expect(value(d, 'toolCalls')).to.equal('7');
    expect(detail(d, 'toolCalls')).to.equal('2 errors');
    expect(detail(d, 'resumes')).to.equal('1 snapshot fallback');
    expect(detail(d, 'rateLimited')).to.equal('2 bad frames');
    expect(value(d, 'bytesOut')).to.equal('1kB/s');
    expect(tile(d, 'messagesIn').querySelector('polyline'), 'sparkline from the series').to.exist;
    expect($$(d, '[part~="tile"]')).to.have.length(12);
    await expect(d).to.be.accessible();
    // Moved in the page: dropped on the way out, taken again on the way in.
    const parent = d.parentElement!;
    d.remove();
    expect(methods(fake)).to.include('unsubscribeMetrics');
    parent.append(d);
    await settle(d);
    expect(fake.argsOf('subscribeMetrics')).to.have.length(2);
  });

  it('tells a member it is for operators, and asks nothing of the server', async () => {
    const fake = new FakeClient(); // role member
    const d = await dashboardWith(fake);
    expect(text($(d, '[part="note"]'))).to.equal(
      "Only operators can see this room's figures; you are a member.",
    );
    d.section = 'feed';
    await settle(d);
    expect(methods(fake)).not.to.include('subscribeMetrics');
    expect(methods(fake)).not.to.include('subscribeTap');
    await expect(d).to.be.accessible();
  });

  it('says a refused token plainly and reports it', async () => {
    const fake = operator();
    const d = await dashboardWith(fake);
    const errors: string[] = [];
    d.addEventListener('realstream-error', (e) =>
      errors.push(`${e.detail.source}:${e.detail.code}`),
    );
    fake.status({ state: 'unauthorised', reason: reasons.tokenExpiredGetToken, user: undefined });
    await settle(d);
    expect(text($(d, '[part="note"]'))).to.equal(
      'Not authorised: token expired: getToken will be asked for a new one on reconnect',
    );
    expect(errors).to.deep.equal(['connection:unauthorised']);
  });

  it('says a quiet room is quiet, with every tile at 0', async () => {
    const fake = operator();
    fake.$metrics.set(quiet());
    const d = await dashboardWith(fake);
    expect(text($(d, '[part="note"]'))).to.contain('No activity yet');
    for (const id of ['messagesIn', 'messagesOut', 'tokens']) expect(value(d, id)).to.equal('0/s');
    for (const id of ['replies', 'toolCalls', 'resumes', 'rateLimited'])
      expect(value(d, id)).to.equal('0');
    expect(value(d, 'ttftP50')).to.equal('0ms');
    await expect(d).to.be.accessible();
  });

  it('greys stale figures with their time, and alerts when the link drops', async () => {
    const fake = operator();
    const d = await dashboardWith(fake);
    fake.$metrics.set(busy());
    await settle(d);
    expect($(d, '[part="stale"]')).to.equal(null);
    fake.status({ state: 'reconnecting', attempt: 2 });
    await settle(d);
    expect(text($(d, '[part="stale"]'))).to.equal(`Stale: as of ${clock(T)}`);
    expect($(d, '.dash').classList.contains('dash--stale')).to.equal(true);
    expect(text($(d, '[part="link-status"]'))).to.equal('Reconnecting…');
    await waitUntil(
      () => text($(d, '[role="alert"]')) === 'Dashboard link lost; figures are stale.',
    );
    expect(value(d, 'replies'), 'the last figures stay readable').to.equal('80');
    await expect(d).to.be.accessible();
  });

  it('alerts when errors rise, not on every figure', async () => {
    const fake = operator();
    const d = await dashboardWith(fake);
    fake.$metrics.set(quiet());
    await settle(d);
    fake.$metrics.set(busy()); // 1 reply error + 0 tool errors in the last minute, 2 in the last bucket
    await waitUntil(() => text($(d, '[role="alert"]')).startsWith('Errors rising: 1 error'));
  });

  it('shows the dev-mode warning', async () => {
    const fake = operator();
    fake.status({ devMode: true });
    fake.$metrics.set(busy());
    const d = await dashboardWith(fake);
    const dev = $(d, '[part~="dev-mode"]');
    expect(text(dev)).to.equal('Dev mode');
    expect(dev.getAttribute('title')).to.contain('Auth is off');
  });

  it('drops the subscription when the client changes', async () => {
    const a = operator();
    const b = operator();
    const d = await dashboardWith(a);
    // The room provides another client: the dashboard follows it.
    providers.get(d)!.setValue(b);
    await settle(d);
    expect(methods(a)).to.include('unsubscribeMetrics');
    expect(b.argsOf('subscribeMetrics')).to.have.length(1);
  });
});

describe('realstream-dashboard charts and tables', () => {
  it('draws each chart and shows the same figures as a table on request', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const d = await dashboardWith(fake);
    const charts = $$(d, 'figure[part~="chart"]');
    expect(charts.map((c) => c.getAttribute('part'))).to.deep.equal([
      'chart chart-messages',
      'chart chart-tokens',
      'chart chart-latency',
      'chart chart-errors',
    ]);
    const chart = () => $(d, '[part~="chart-messages"]');
    expect(chart().querySelectorAll('polyline')).to.have.length(2);
    expect(chart().querySelector('svg')!.getAttribute('aria-label')).to.contain('In now 4, peak 4');
    const toggle = () => chart().querySelector<HTMLButtonElement>('[part="chart-toggle"]')!;
    expect(text(toggle())).to.equal('Show as table');
    toggle().click();
    await settle(d);
    expect(text(toggle())).to.equal('Show as chart');
    expect(chart().querySelector('svg')).to.equal(null);
    const rows = [...chart().querySelectorAll('tbody tr')];
    expect(rows).to.have.length(90);
    expect([...rows[0].children].map((c) => text(c))).to.deep.equal([clock(T), '4', '1']);
    expect([...chart().querySelectorAll('thead th')].map((c) => text(c))).to.deep.equal([
      'Time',
      'In',
      'Out',
    ]);
    await expect(d).to.be.accessible();
    toggle().click();
    await settle(d);
    expect(chart().querySelector('svg')).to.exist;
  });

  it('counts replies per responder, their failures by code, and a model that took no tools', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const d = await dashboardWith(fake);
    const rows = $$(d, '[part="responders-table"] tbody tr');
    expect(rows.map((r) => [...r.children].map((c) => text(c)))).to.deep.equal([
      ['openai', '80', '3', 'timeout 2, provider_unavailable 1', 'refused by the model'],
      ['demo', '0', '0', '–', 'offered'],
    ]);
    expect(rows[0]!.lastElementChild!.getAttribute('title')).to.contain('does not support tools');
    await expect(d).to.be.accessible();
  });

  it('lists who is connected and each tool', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const d = await dashboardWith(fake, (el) => (el.section = 'people'));
    const people = $$(d, '[part="people-table"] tbody tr').map((r) =>
      [...r.children].map((c) => text(c)),
    );
    expect(people).to.deep.equal([
      ['Ada', 'member', '1 hr 5 min'],
      ['Me', 'operator', '1 min'],
      ['Vic', 'viewer', '12 sec'],
    ]);
    await expect(d).to.be.accessible();
    d.section = 'tools';
    await settle(d);
    const tools = $$(d, '[part="tools-table"] tbody tr').map((r) =>
      [...r.children].map((c) => text(c)),
    );
    expect(tools).to.deep.equal([
      ['math.evaluate', '5', '0', '0', '3 ms', '6 ms', '9 ms'],
      ['web.fetch', '2', '1', '1', '900 ms', '1.8 sec', '2.7 sec'],
    ]);
    await expect(d).to.be.accessible();
  });

  it('moves between sections with the arrow keys', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const d = await dashboardWith(fake);
    $<HTMLButtonElement>(d, '#tab-overview').focus();
    await sendKeys({ press: 'ArrowRight' });
    await settle(d);
    expect(d.section).to.equal('people');
    expect(d.shadowRoot!.activeElement?.id).to.equal('tab-people');
    await sendKeys({ press: 'End' });
    await settle(d);
    expect(d.section).to.equal('settings');
    await sendKeys({ press: 'ArrowLeft' });
    await settle(d);
    expect(d.section).to.equal('feed');
    expect($(d, '#panel-feed').hidden).to.equal(false);
    expect($(d, '#panel-overview').hidden).to.equal(true);
  });
});

describe('realstream-dashboard room settings', () => {
  async function settings(responders?: string[]): Promise<[RealstreamDashboard, FakeClient]> {
    const fake = operator();
    fake.status({ responders });
    fake.$metrics.set(busy());
    const d = await dashboardWith(fake, (el) => (el.section = 'settings'));
    return [d, fake];
  }
  const save = (d: Element) => $<HTMLButtonElement>(d, '[part="settings-save"]');
  const select = (d: Element) => $<HTMLSelectElement>(d, '[part="settings-responder"]');
  const prompt = (d: Element) => $<HTMLTextAreaElement>(d, '[part="settings-prompt"]');
  const type = async (d: RealstreamDashboard, value: string) => {
    prompt(d).value = value;
    prompt(d).dispatchEvent(new Event('input'));
    await settle(d);
  };

  it('changes the responder and the prompt together, and shows the room catching up', async () => {
    const [d, fake] = await settings(['demo', 'openai']);
    expect(select(d).value).to.equal('demo');
    expect(prompt(d).value).to.equal('');
    expect(save(d).disabled, 'nothing to save yet').to.equal(true);
    await expect(d).to.be.accessible();

    select(d).value = 'openai';
    select(d).dispatchEvent(new Event('change'));
    await type(d, 'Answer in French.');
    expect(save(d).disabled).to.equal(false);
    save(d).click();
    await settle(d);
    expect(fake.calls.filter((c) => c.method === 'configure').map((c) => c.args[0])).to.deep.equal([
      { responder: 'openai', systemPrompt: 'Answer in French.' },
    ]);
    expect(text($(d, '[part="settings-result"]'))).to.equal('Saved.');

    // The room's configured event arrives: the form shows the room's settings, nothing to save.
    fake.$settings.set({
      responder: 'openai',
      systemPrompt: 'Answer in French.',
      reasoning: 'everyone',
    });
    await settle(d);
    expect(select(d).value).to.equal('openai');
    expect(save(d).disabled).to.equal(true);

    // Emptied, the prompt goes back to the deployment's (null), and only it is sent.
    await type(d, '  ');
    save(d).click();
    await settle(d);
    expect(fake.calls.filter((c) => c.method === 'configure').at(-1)!.args[0]).to.deep.equal({
      systemPrompt: null,
    });
  });

  it('shows reasoning to operators only, saving that alone', async () => {
    const [d, fake] = await settings(['demo', 'openai']);
    const who = $<HTMLSelectElement>(d, '[part="settings-reasoning"]');
    expect(who.value).to.equal('everyone');
    expect(text($(d, '#settings-reasoning-help'))).to.contain('for how long');
    who.value = 'operators';
    who.dispatchEvent(new Event('change'));
    await settle(d);
    expect(save(d).disabled).to.equal(false);
    await expect(d).to.be.accessible();
    save(d).click();
    await settle(d);
    expect(fake.argsOf('configure')).to.deep.equal([[{ reasoning: 'operators' }]]);
    fake.$settings.set({ responder: 'demo', systemPrompt: null, reasoning: 'operators' });
    await settle(d);
    expect(who.value).to.equal('operators');
    expect(save(d).disabled, 'the room caught up: nothing to save').to.equal(true);

    // Back to everyone, and undone before saving: the room's choice shows again.
    who.value = 'everyone';
    who.dispatchEvent(new Event('change'));
    await settle(d);
    $<HTMLButtonElement>(d, '[part="settings-undo"]').click();
    await settle(d);
    expect(who.value).to.equal('operators');
    expect(fake.argsOf('configure')).to.have.length(1);
  });

  it('undoes a draft, and follows another operator’s change until one is typed', async () => {
    const [d, fake] = await settings(['demo', 'openai']);
    await type(d, 'draft');
    select(d).value = 'openai';
    select(d).dispatchEvent(new Event('change'));
    await settle(d);
    $<HTMLButtonElement>(d, '[part="settings-undo"]').click();
    await settle(d);
    expect(prompt(d).value).to.equal('');
    expect(select(d).value, 'the responder chosen is undone too').to.equal('demo');
    expect(save(d).disabled).to.equal(true);
    fake.$settings.set({ responder: 'demo', systemPrompt: 'From Olga.', reasoning: 'everyone' });
    await settle(d);
    expect(prompt(d).value).to.equal('From Olga.');
  });

  it('says why a save failed, keeps the draft and reports it', async () => {
    const [d, fake] = await settings(['demo', 'openai']);
    fake.configure = () => Promise.reject({ code: 'forbidden', message: 'operators only' });
    const events: CustomEvent[] = [];
    d.addEventListener('realstream-error', (e) => events.push(e));
    await type(d, 'Be brief.');
    save(d).click();
    await settle(d);
    expect(text($(d, '[part="settings-result"]'))).to.equal('Not saved: operators only');
    expect(prompt(d).value, 'the draft is kept').to.equal('Be brief.');
    expect(save(d).disabled, 'and can be saved again').to.equal(false);
    expect(events.map((e) => [e.detail.source, e.detail.code])).to.deep.equal([
      ['settings', 'forbidden'],
    ]);
  });

  it('shows a single allowed responder as the only choice', async () => {
    const [d] = await settings(['demo']);
    expect(select(d).disabled).to.equal(true);
    expect(text($(d, '#settings-responder-help'))).to.contain('this responder only');
    const [older] = await settings(undefined);
    expect(select(older).value, 'a server that does not list the choices').to.equal('demo');
  });
});

const entry = (n: number, patch: Partial<TapEntry> = {}): TapEntry => ({
  at: T + n,
  dir: 'out',
  type: 'event:message.delta',
  seq: n,
  bytes: 40,
  connection: '*',
  latencyMs: 2,
  frame: JSON.stringify({ type: 'event', seq: n, event: { type: 'message.delta', text: `t${n}` } }),
  ...patch,
});

async function feed(fake = operator()): Promise<[RealstreamDashboard, FakeClient]> {
  fake.$metrics.set(busy());
  const d = await dashboardWith(fake, (el) => (el.section = 'feed'));
  return [d, fake];
}
const rows = (d: Element) => $$(d, '[part~="feed-row"]');

describe('realstream-dashboard event feed', () => {
  it('subscribes while shown, with the filter typed, and shows frames newest first', async () => {
    const [d, fake] = await feed();
    expect(fake.argsOf('subscribeTap')).to.deep.equal([[{}]]);
    expect(text($(d, '[part="feed-empty"]'))).to.contain('No frames yet');
    fake.tap([
      entry(1),
      entry(2, { dir: 'in', type: 'message.send', connection: 'c-ada', seq: undefined }),
    ]);
    await settle(d);
    expect(rows(d).map((r) => text(r.querySelector('.feed__type')))).to.deep.equal([
      'message.send',
      'event:message.delta',
    ]);
    expect(text(rows(d)[0].querySelector('.feed__dir'))).to.equal('→ in');
    const input = $<HTMLInputElement>(d, 'input[name="types"]');
    input.value = 'message.send, event:tool';
    const select = $<HTMLSelectElement>(d, 'select[name="connection"]');
    expect([...select.options].map((o) => o.value)).to.deep.equal(['', 'c-me', 'c-ada', 'c-vic']);
    select.value = 'c-ada';
    select.dispatchEvent(new Event('change'));
    await settle(d);
    expect(fake.argsOf('subscribeTap').at(-1)).to.deep.equal([
      { types: ['message.send', 'event:tool'], connection: 'c-ada' },
    ]);
    expect(methods(fake)).to.include('unsubscribeTap');
    expect(fake.tapListeners.size).to.equal(1);
    d.section = 'overview';
    await settle(d);
    expect(fake.tapListeners.size, 'no tap while the feed is hidden').to.equal(0);
  });

  it('counts frames while paused and shows them on resume', async () => {
    const [d, fake] = await feed();
    fake.tap([entry(1)]);
    await settle(d);
    const pause = () => $<HTMLButtonElement>(d, '[part="feed-pause"]');
    pause().click();
    await settle(d);
    expect(pause().getAttribute('aria-pressed')).to.equal('true');
    expect(text(pause())).to.equal('Resume');
    fake.tap([entry(2), entry(3)]);
    await settle(d);
    expect(rows(d)).to.have.length(1);
    expect(text($(d, '[part~="feed-paused"]'))).to.equal('Paused: 2 new events');
    pause().click();
    await settle(d);
    expect(rows(d).map((r) => r.dataset.n)).to.deep.equal(['3', '2', '1']);
    expect($(d, '[part~="feed-paused"]')).to.equal(null);
  });

  it('opens a frame as pretty JSON from the keyboard, and goes back with Escape', async () => {
    const [d, fake] = await feed();
    fake.tap([entry(1), entry(2)]);
    await settle(d);
    rows(d)[0].focus();
    await sendKeys({ press: 'ArrowDown' });
    await settle(d);
    expect(d.shadowRoot!.activeElement).to.equal(rows(d)[1]);
    await sendKeys({ press: 'Enter' });
    await settle(d);
    const json = $(d, '[part="frame-json"]');
    expect(json.textContent!.trim()).to.equal(
      JSON.stringify(
        { type: 'event', seq: 1, event: { type: 'message.delta', text: 't1' } },
        null,
        2,
      ),
    );
    expect(d.shadowRoot!.activeElement).to.equal(json);
    expect(rows(d)[1].getAttribute('aria-pressed')).to.equal('true');
    await expect(d).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await settle(d);
    expect($(d, '[part="frame"]')).to.equal(null);
    expect(d.shadowRoot!.activeElement).to.equal(rows(d)[1]);
  });

  it('exports the kept frames as NDJSON through a Blob URL', async () => {
    const [d, fake] = await feed();
    fake.tap([entry(1), entry(2, { frame: '{"cut": tru' })]);
    await settle(d);
    const blobs: Blob[] = [];
    const original = URL.createObjectURL;
    URL.createObjectURL = (b: Blob) => (blobs.push(b), 'blob:test');
    const click = HTMLAnchorElement.prototype.click;
    let download = '';
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      download = this.download;
    };
    try {
      $<HTMLButtonElement>(d, '[part="feed-export"]').click();
    } finally {
      URL.createObjectURL = original;
      HTMLAnchorElement.prototype.click = click;
    }
    expect(download).to.match(/^realstream-tap-fake-room-.*\.ndjson$/);
    expect(blobs[0].type).to.equal('application/x-ndjson');
    const lines = (await blobs[0].text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).to.deep.equal([1, 2]);
    expect(lines[0].frame).to.deep.equal({
      type: 'event',
      seq: 1,
      event: { type: 'message.delta', text: 't1' },
    });
    expect(lines[1].frame, 'a cut frame stays text').to.equal('{"cut": tru');
  });

  it('says when the server samples', async () => {
    const [d, fake] = await feed();
    fake.tap([entry(1)], { sampled: true, dropped: 12 });
    fake.tap([entry(2)], { sampled: true, dropped: 30 });
    await settle(d);
    expect(text($(d, '[part~="feed-sampled"]'))).to.equal('sampled: 42 dropped');
  });

  it('keeps at most feed-limit frames and renders only the rows in view', async () => {
    const [d, fake] = await feed();
    for (let b = 0; b < 60; b++)
      fake.tap(Array.from({ length: 100 }, (_, i) => entry(b * 100 + i + 1)));
    await settle(d);
    expect(text($(d, '[part="feed-status"]'))).to.contain('5,000 of 5,000 kept');
    expect(rows(d).length).to.be.within(10, 40);
    expect(rows(d)[0].dataset.n).to.equal('6000');
    const vp = $(d, '[part="feed-list"]');
    vp.scrollTop = vp.scrollHeight;
    vp.dispatchEvent(new Event('scroll'));
    await settle(d);
    const last = rows(d).at(-1)!;
    expect(last.dataset.n, 'the oldest kept').to.equal('1001');
    expect(rows(d).length).to.be.within(10, 40);
    expect(last.parentElement!.getAttribute('aria-posinset')).to.equal('5000');
  });
});

describe('realstream-dashboard all rooms', () => {
  function source(state: ConnectionState = 'live') {
    const $metrics = atom<DeploymentMetrics | null>(null);
    const $status = atom<{ state: ConnectionState; reason?: StatusReason }>({ state });
    const room = (name: string, connections: number) => {
      const m = busy();
      return {
        room: name,
        party: 'main',
        at: T,
        connections,
        streaming: 1,
        toolsRunning: 0,
        lastMinute: m.lastMinute,
        last15Minutes: m.last15Minutes,
      };
    };
    $metrics.set({ at: T, rooms: [room('lobby', 2), room('design', 9)] });
    const watch: DeploymentWatch & { closed: number } = {
      $metrics,
      $status,
      closed: 0,
      close: () => watch.closed++,
    };
    return { watch, $metrics, $status, room };
  }

  it('switches scope on request, lists the rooms as they come and go', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const { watch, $metrics, room } = source();
    const d = await dashboardWith(fake, (el) => (el.deployment = watch));
    const scopes: string[] = [];
    d.addEventListener('realstream-dashboard-scope', (e) => scopes.push(e.detail.scope));
    $<HTMLButtonElement>(d, '[part="scope-deployment"]').click();
    await settle(d);
    expect(scopes).to.deep.equal(['deployment']);
    expect(d.getAttribute('scope')).to.equal('deployment');
    expect($(d, '[part="scope-deployment"]').getAttribute('aria-pressed')).to.equal('true');
    const table = () =>
      $$(d, '[part="rooms-table"] tbody tr').map((r) => [...r.children].map((c) => text(c)));
    await transitionsDone(d);
    expect(table()).to.deep.equal([
      ['design', '9', '1', '22', '840 ms', '5'],
      ['lobby', '2', '1', '22', '840 ms', '5'],
    ]);
    await expect(d).to.be.accessible();
    $metrics.set({ at: T + 1000, rooms: [room('lobby', 3), room('standup', 1)] });
    await settle(d);
    expect(table().map((r) => r[0])).to.deep.equal(['lobby', 'standup']);
    $<HTMLButtonElement>(d, '[part="scope-room"]').click();
    await settle(d);
    expect(scopes).to.deep.equal(['deployment', 'room']);
    expect(watch.closed, "a given source is not the dashboard's to close").to.equal(0);
  });

  it('shows the deployment stale when its link is down', async () => {
    const { watch, $status } = source();
    const d = await dashboardWith(operator(), (el) => {
      el.deployment = watch;
      el.scope = 'deployment';
    });
    $status.set({ state: 'reconnecting' });
    await settle(d);
    expect(text($(d, '[part="stale"]'))).to.equal(`Stale: as of ${clock(T)}`);
  });
});

describe('realstream-dashboard theming', () => {
  it('takes words from `strings`, exposes its parts, themes by attribute', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const dark = await dashboardWith(fake, (el) => {
      el.theme = 'dark';
      el.strings = { replies: 'Antworten (15 min)', live: 'Verbunden' };
    });
    const light = await dashboardWith(fake, (el) => (el.theme = 'light'));
    expect(text(tile(dark, 'replies').querySelector('.tile__label'))).to.equal(
      'Antworten (15 min)',
    );
    expect(text($(dark, '[part="link-status"]'))).to.equal('Verbunden');
    for (const part of [
      'base',
      'header',
      'scope',
      'tabs',
      'tab',
      'panel',
      'tiles',
      'tile',
      'charts',
      'chart',
      'sparkline',
    ])
      expect($(dark, `[part~="${part}"]`), part).to.exist;
    const bg = (d: RealstreamDashboard) => getComputedStyle($(d, '.dash')).backgroundColor;
    expect(bg(dark)).to.not.equal(bg(light));
    expect(dark.shadowRoot!.adoptedStyleSheets[0]).to.equal(
      light.shadowRoot!.adoptedStyleSheets[0],
    );
    await expect(dark).to.be.accessible();
    light.style.setProperty('--chart-color-1', 'rgb(1, 2, 3)');
    expect(getComputedStyle($(light, '.chart__line')).stroke).to.equal('rgb(1, 2, 3)');
  });

  it('runs time the way the text reads with dir="rtl"', async () => {
    const fake = operator();
    fake.$metrics.set(busy());
    const rtl = await dashboardWith(fake, (el) => (el.dir = 'rtl'));
    expect(getComputedStyle($(rtl, '.chart__svg')).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    const head = $(rtl, '[part="header"]').getBoundingClientRect();
    const title = $(rtl, '.dash__title').getBoundingClientRect();
    expect(head.right - title.right).to.be.below(20);
  });
});

/** Buttons fade between states: contrast is checked once they have arrived. */
async function transitionsDone(el: Element): Promise<void> {
  await Promise.all(el.shadowRoot!.getAnimations().map((a) => a.finished));
}

async function waitUntil(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${check}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
