/// <reference types="mocha" />
// <realstream-tools> against a fake client: the list (search, badges, switches), running a tool
// from its form (events, typed refusals, why Run is off), and the live history of the room's
// calls with cancel, approve/deny, re-run and copy as curl.
import { expect } from '@open-wc/testing';
import type { ToolCall, User } from '@realstream/client';
import { FakeClient, tool, toolCall } from '../../test/fake-client.js';
import { waitFor } from '../../test/helpers.js';
import { $, $$, settle, text, toolsWith, unmountAll } from '../../test/mount.js';
import { curlCommand, httpOrigin, shellQuote } from './curl.js';
import type { RealstreamSchemaForm } from './schema-form.js';
import type { RealstreamTools } from './tools.js';

afterEach(unmountAll);

const operator: User = { id: 'u-op', name: 'Olga', role: 'operator' };
const viewer: User = { id: 'u-v', name: 'Vic', role: 'viewer' };

const calc = tool('math.evaluate', {
  title: 'Calculator',
  description: 'Evaluates arithmetic.',
  minRole: 'viewer',
  inputSchema: {
    type: 'object',
    properties: { expression: { type: 'string', title: 'Expression', minLength: 1 } },
    required: ['expression'],
  },
});
const crm = tool('crm.lookup', {
  title: 'CRM lookup',
  description: 'Finds a customer by email.',
  kind: 'webhook',
  requiresApproval: true,
  inputSchema: { type: 'object', properties: { email: { type: 'string', title: 'Email' } } },
});
const geo = tool('browser.geolocation', {
  title: 'Browser location',
  description: 'Where the browser is.',
  kind: 'client',
  available: false,
});
const stats = tool('text.stats', {
  title: 'Text statistics',
  description: 'Counts words.',
  enabled: false,
});
const admin = tool('room.export', { title: 'Export', minRole: 'operator' });

function fakeWith(user?: User): FakeClient {
  const fake = new FakeClient();
  fake.$tools.set([geo, crm, calc, admin, stats]);
  if (user) fake.status({ user });
  return fake;
}

const names = (el: RealstreamTools) => $$(el, '[part~="tool"]').map((li) => li.dataset.name);
const row = (el: RealstreamTools, name: string) => $(el, `[part~="tool"][data-name="${name}"]`);
const form = (el: RealstreamTools) => $<RealstreamSchemaForm>(el, 'realstream-schema-form');
const runButton = (el: RealstreamTools) => $<HTMLButtonElement>(el, '[part="run-button"]');
const card = (el: RealstreamTools, id: string) => $(el, `[data-call-id="${id}"]`);

async function open(el: RealstreamTools, name: string): Promise<RealstreamSchemaForm> {
  $<HTMLButtonElement>(row(el, name), '[part="tool-button"]').click();
  await settle(el);
  const f = form(el);
  await f.updateComplete;
  return f;
}

/** Types into the form's control labelled `label`, as a user would. */
async function type(el: RealstreamTools, label: string, value: string): Promise<void> {
  const f = form(el);
  const root = f.shadowRoot!;
  const l = [...root.querySelectorAll('label')].find(
    (x) => text(x).replace(/\s*\*$/, '') === label,
  );
  const input = root.getElementById(l!.htmlFor) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await f.updateComplete;
  await settle(el);
}

describe('realstream-tools list', () => {
  it('lists every tool with its kind, status, role and approval badges', async () => {
    const el = await toolsWith(fakeWith());
    expect(names(el)).to.deep.equal([
      'browser.geolocation',
      'crm.lookup',
      'math.evaluate',
      'room.export',
      'text.stats',
    ]);
    const badges = (name: string) => text($(row(el, name), '[part="tool-badges"]'));
    expect(badges('browser.geolocation')).to.equal('Browser Unavailable Members');
    expect(badges('crm.lookup')).to.equal('Webhook Enabled Members Needs approval');
    expect(badges('math.evaluate')).to.equal('Built-in Enabled Everyone');
    expect(badges('room.export')).to.equal('Built-in Enabled Operators');
    expect(badges('text.stats')).to.equal('Built-in Disabled Members');
    await expect(el).to.be.accessible();
  });

  it('filters by name, title and description as the user types', async () => {
    const el = await toolsWith(fakeWith());
    const search = $<HTMLInputElement>(el, '[part="search"]');
    expect(search.getAttribute('aria-label')).to.equal('Search tools');
    const typeSearch = async (q: string) => {
      search.value = q;
      search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await settle(el);
    };
    await typeSearch('crm');
    expect(names(el)).to.deep.equal(['crm.lookup']);
    await typeSearch('calculator');
    expect(names(el)).to.deep.equal(['math.evaluate']);
    await typeSearch('counts WORDS');
    expect(names(el)).to.deep.equal(['text.stats']);
    await typeSearch('nothing like this');
    expect(names(el)).to.deep.equal([]);
    expect(text($(el, '[part="empty"]'))).to.equal('No tool matches “nothing like this”.');
    await typeSearch('');
    expect(names(el)).to.have.length(5);
  });

  it('says so when the room has no tools', async () => {
    const el = await toolsWith(new FakeClient());
    expect(text($(el, '[part="empty"]'))).to.equal('This room has no tools.');
    expect(text($(el, '[part="history-empty"]'))).to.contain('No calls yet');
    await expect(el).to.be.accessible();
  });

  it('lets an operator switch a tool on or off, and tells the page', async () => {
    const fake = fakeWith(operator);
    const el = await toolsWith(fake);
    const toggles: unknown[] = [];
    el.addEventListener('realstream-tool-toggle', (e) => toggles.push(e.detail));
    expect($(el, '[part="toggle-reason"]').hidden).to.equal(true);
    const on = $<HTMLButtonElement>(row(el, 'crm.lookup'), '[role="switch"]');
    const off = $<HTMLButtonElement>(row(el, 'text.stats'), '[role="switch"]');
    expect(on.getAttribute('aria-checked')).to.equal('true');
    expect(off.getAttribute('aria-checked')).to.equal('false');
    // Named by what it controls, whatever its state; the tooltip says what a press does.
    expect(on.getAttribute('aria-label')).to.equal('crm.lookup enabled');
    expect(off.getAttribute('aria-label')).to.equal('text.stats enabled');
    expect(on.title).to.equal('Switch crm.lookup off');
    expect(off.title).to.equal('Switch text.stats on');
    on.click();
    off.click();
    expect(fake.argsOf('toggleTool')).to.deep.equal([
      ['crm.lookup', false],
      ['text.stats', true],
    ]);
    expect(toggles).to.deep.equal([
      { name: 'crm.lookup', enabled: false },
      { name: 'text.stats', enabled: true },
    ]);
    // The room answers with the new state: the switch follows it.
    fake.$tools.set(fake.$tools.get().map((t) => ({ ...t, enabled: t.name !== 'crm.lookup' })));
    await settle(el);
    expect(on.getAttribute('aria-checked')).to.equal('false');
    expect(on.getAttribute('aria-label')).to.equal('crm.lookup enabled');
    expect(on.title).to.equal('Switch crm.lookup on');
    expect(text($(row(el, 'crm.lookup'), '[part="status-badge"]'))).to.equal('Disabled');
    await expect(el).to.be.accessible();
  });

  it('shows members the switches read-only, with the reason', async () => {
    const fake = fakeWith();
    const el = await toolsWith(fake);
    const reason = $(el, '[part="toggle-reason"]');
    expect(reason.hidden).to.equal(false);
    expect(text(reason)).to.equal('Only operators can switch tools on or off');
    const sw = $<HTMLButtonElement>(row(el, 'crm.lookup'), '[role="switch"]');
    expect(sw.getAttribute('aria-disabled')).to.equal('true');
    expect(sw.getAttribute('aria-describedby')).to.equal(reason.id);
    sw.click();
    expect(fake.argsOf('toggleTool')).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('moves between tools with the arrow keys', async () => {
    const el = await toolsWith(fakeWith());
    const picks = $$<HTMLButtonElement>(el, '[part="tool-button"]');
    picks[0].focus();
    const key = (k: string) =>
      el.shadowRoot!.activeElement!.dispatchEvent(
        new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }),
      );
    key('ArrowDown');
    expect(el.shadowRoot!.activeElement).to.equal(picks[1]);
    key('End');
    expect(el.shadowRoot!.activeElement).to.equal(picks[4]);
    key('Home');
    expect(el.shadowRoot!.activeElement).to.equal(picks[0]);
  });
});

describe('realstream-tools running a tool', () => {
  it('runs the tool with the form arguments, after a realstream-tool-invoke', async () => {
    const fake = fakeWith();
    const el = await toolsWith(fake);
    await open(el, 'math.evaluate');
    expect(el.selected).to.equal('math.evaluate');
    expect(text($(el, '[part="description"]'))).to.equal('Evaluates arithmetic.');
    expect(form(el).schema).to.equal(calc.inputSchema);
    const invokes: unknown[] = [];
    el.addEventListener('realstream-tool-invoke', (e) => invokes.push(e.detail));

    // Invalid (required, empty): the form says so and nothing runs.
    runButton(el).click();
    await settle(el);
    expect(invokes).to.deep.equal([]);
    expect(fake.argsOf('invokeTool')).to.deep.equal([]);

    await type(el, 'Expression', '(2 + 3) * 7');
    runButton(el).click();
    await settle(el);
    expect(invokes).to.deep.equal([{ name: 'math.evaluate', args: { expression: '(2 + 3) * 7' } }]);
    expect(fake.argsOf('invokeTool')).to.deep.equal([
      ['math.evaluate', { expression: '(2 + 3) * 7' }],
    ]);
    await expect(el).to.be.accessible();
  });

  it('runs nothing when the page cancels realstream-tool-invoke', async () => {
    const fake = fakeWith();
    const el = await toolsWith(fake);
    await open(el, 'math.evaluate');
    await type(el, 'Expression', '1+1');
    el.addEventListener('realstream-tool-invoke', (e) => e.preventDefault());
    el.run();
    await settle(el);
    expect(fake.argsOf('invokeTool')).to.deep.equal([]);
  });

  it('shows the typed error when the room refuses the call', async () => {
    const fake = fakeWith();
    fake.invokeError = { code: 'too_many_calls', message: 'Wait for a call to end first.' };
    const el = await toolsWith(fake);
    const errors: string[] = [];
    el.addEventListener('realstream-error', (e) =>
      errors.push(`${e.detail.source}:${e.detail.code}`),
    );
    await open(el, 'math.evaluate');
    await type(el, 'Expression', '1+1');
    runButton(el).click();
    const error = await waitFor('the error', async () => {
      await settle(el);
      return el.shadowRoot!.querySelector<HTMLElement>('[part="run-error"]');
    });
    expect(text(error)).to.equal('Too many calls: Wait for a call to end first.');
    expect(error.dataset.code).to.equal('too_many_calls');
    expect(runButton(el).getAttribute('aria-describedby')).to.equal('run-error');
    expect(errors).to.deep.equal(['tool:too_many_calls']);
    expect(runButton(el).disabled).to.equal(false);
    await expect(el).to.be.accessible();

    // Another tool does not show this one's error.
    await open(el, 'crm.lookup');
    expect($$(el, '[part="run-error"]')).to.have.length(0);
  });

  it('turns Run off with the reason: disabled, unavailable, role, link', async () => {
    const fake = fakeWith();
    const el = await toolsWith(fake);
    const reason = () => text($(el, '[part="run-reason"]'));
    await open(el, 'text.stats');
    expect(runButton(el).disabled).to.equal(true);
    expect(reason()).to.equal('This tool is switched off.');
    await expect(el).to.be.accessible();
    await open(el, 'browser.geolocation');
    expect(reason()).to.equal('No connected browser implements this tool right now.');
    await open(el, 'room.export');
    expect(reason()).to.equal('Only operators and above can run this tool.');
    await open(el, 'math.evaluate');
    expect(runButton(el).disabled).to.equal(false);
    expect($$(el, '[part="run-reason"]')).to.have.length(0);

    fake.status({ state: 'reconnecting', attempt: 2 });
    await settle(el);
    expect(runButton(el).disabled).to.equal(true);
    expect(reason()).to.equal('Not connected. Tools run once the link is back.');
    expect(text($(el, '[part="header"]'))).to.contain('Not connected');

    fake.status({ state: 'live', user: viewer });
    await settle(el);
    expect(runButton(el).disabled).to.equal(false, 'math.evaluate is for everyone');
    await open(el, 'crm.lookup');
    expect(reason()).to.equal('Only members and above can run this tool.');
  });

  it('fires realstream-tool-result and announces when its own call ends', async () => {
    const fake = fakeWith();
    const el = await toolsWith(fake);
    const results: ToolCall[] = [];
    el.addEventListener('realstream-tool-result', (e) => results.push(e.detail.call));
    await open(el, 'math.evaluate');
    await type(el, 'Expression', '6*7');
    runButton(el).click();
    await waitFor('the invoke', () => fake.argsOf('waitForCall').length);
    const args = { expression: '6*7' };
    // Someone else's call ends first: no event, no announcement.
    const other = toolCall('math.evaluate', { args, status: 'done', result: 1, endedAt: 2e6 });
    const mine = toolCall('math.evaluate', {
      callId: 'call-1',
      args,
      caller: { kind: 'user', id: 'u-me', name: 'Me' },
    });
    fake.$calls.set([other, mine]);
    await settle(el);
    expect(results).to.deep.equal([]);
    const done = {
      ...mine,
      status: 'done' as const,
      result: { value: 42 },
      endedAt: mine.startedAt + 1200,
    };
    fake.$calls.set([other, done]);
    await waitFor('the result event', () => results.length);
    expect(results).to.deep.equal([done]);
    const region = $(el, '.tools__announcer');
    expect(region.getAttribute('aria-live')).to.equal('polite');
    await waitFor('the announcement', () => text(region) === 'math.evaluate finished');
  });
});

describe('realstream-tools history', () => {
  it('shows the room’s calls newest first, live: progress, result, error', async () => {
    const fake = fakeWith();
    const running = toolCall('crm.lookup', {
      args: { email: 'ada@example.com' },
      caller: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
      progressText: 'one\ntwo\nthree\nfour\n',
      percent: 40,
    });
    const older = toolCall('math.evaluate', {
      args: { expression: '1/0' },
      status: 'error',
      error: { code: 'tool_failed', message: 'Division by zero' },
      endedAt: 0,
    });
    older.endedAt = older.startedAt + 35;
    fake.$calls.set([older, running]);
    const el = await toolsWith(fake);
    const ids = () => $$(el, '[part~="tool-card"]').map((c) => c.dataset.callId);
    expect(ids()).to.deep.equal([running.callId, older.callId]);

    const r = card(el, running.callId);
    expect(text($(r, '[part="call-caller"]'))).to.equal('by Assistant');
    expect(text($(r, '[part="call-status"]'))).to.equal('Running');
    expect(r.getAttribute('aria-busy')).to.equal('true');
    expect($<HTMLProgressElement>(r, 'progress').value).to.equal(40);
    expect($(r, 'progress').getAttribute('aria-label')).to.equal('Progress of crm.lookup');
    expect($(r, '.tool-card__log').textContent).to.equal('two\nthree\nfour');
    expect($(r, '[part="call-args"] pre').textContent).to.equal(
      JSON.stringify({ email: 'ada@example.com' }, null, 2),
    );
    const e = card(el, older.callId);
    expect(text($(e, '[part="call-error"]'))).to.equal('Division by zero (tool_failed)');
    expect(text($(e, '[part="call-duration"]'))).to.equal('35 ms');
    expect(text($(e, '[part="call-caller"]'))).to.equal('by Ada');
    await expect(el).to.be.accessible();

    fake.$calls.set([
      older,
      { ...running, progressText: running.progressText + 'five\n', percent: 80 },
    ]);
    await settle(el);
    expect($<HTMLProgressElement>(r, 'progress').value).to.equal(80);
    expect($(r, '.tool-card__log').textContent).to.equal('three\nfour\nfive');

    const result = { name: 'Northwind', openTickets: 2 };
    fake.$calls.set([
      older,
      { ...running, status: 'done', result, endedAt: running.startedAt + 2500 },
    ]);
    await settle(el);
    expect(text($(r, '[part="call-status"]'))).to.equal('Done');
    expect($$(r, 'progress')).to.have.length(0);
    expect($(r, '[part="call-result"]').textContent).to.equal(JSON.stringify(result, null, 2));
    expect(text($(r, '[part="call-duration"]'))).to.equal('2.5 sec');

    fake.$calls.set([
      older,
      {
        ...running,
        status: 'timeout',
        error: { code: 'timeout', message: 'No answer in 10 s' },
        endedAt: running.startedAt + 10_000,
      },
    ]);
    await settle(el);
    expect(text($(r, '[part="call-status"]'))).to.equal('Timed out');
    expect(text($(r, '[part="call-error"]'))).to.equal('No answer in 10 s (timeout)');
    await expect(el).to.be.accessible();
  });

  it('lets members cancel a running call; viewers cannot', async () => {
    const fake = fakeWith();
    const call = toolCall('crm.lookup');
    fake.$calls.set([call]);
    const el = await toolsWith(fake);
    $<HTMLButtonElement>(card(el, call.callId), '[part="cancel-button"]').click();
    expect(fake.argsOf('cancelTool')).to.deep.equal([[call.callId]]);
    fake.status({ user: viewer });
    await settle(el);
    expect($$(card(el, call.callId), '[part="cancel-button"]')).to.have.length(0);
  });

  it('lets operators approve or deny a call awaiting approval; others wait', async () => {
    const fake = fakeWith();
    const a = toolCall('crm.lookup', {
      status: 'awaiting_approval',
      caller: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
    });
    const b = toolCall('crm.lookup', { status: 'awaiting_approval' });
    fake.$calls.set([a, b]);
    const el = await toolsWith(fake);
    expect($$(el, '[part="approve-button"]')).to.have.length(0);
    expect(text($(card(el, a.callId), '[part="call-waiting"]'))).to.equal(
      'Waiting for an operator to approve',
    );
    await expect(el).to.be.accessible();

    fake.status({ user: operator });
    await settle(el);
    expect($$(el, '[part="call-waiting"]')).to.have.length(0);
    $<HTMLButtonElement>(card(el, a.callId), '[part="approve-button"]').click();
    $<HTMLButtonElement>(card(el, b.callId), '[part="deny-button"]').click();
    expect(fake.argsOf('decideTool')).to.deep.equal([
      [a.callId, true],
      [b.callId, false],
    ]);
    const approve = $(card(el, a.callId), '[part="approve-button"]');
    expect(approve.getAttribute('aria-describedby')).to.equal(`call-${a.callId}`);
    await expect(el).to.be.accessible();

    fake.$calls.set([{ ...a, status: 'denied', decidedBy: 'Olga', endedAt: a.startedAt + 10 }, b]);
    await settle(el);
    expect(text($(card(el, a.callId), '.tool-card__note'))).to.equal('Denied by Olga');
  });

  it('re-runs a call: selects its tool with its arguments in the form', async () => {
    const fake = fakeWith();
    const call = toolCall('math.evaluate', {
      args: { expression: '2^10' },
      status: 'done',
      result: { value: 1024 },
      endedAt: 1_000_500,
    });
    fake.$calls.set([call]);
    const el = await toolsWith(fake);
    await open(el, 'crm.lookup');
    $<HTMLButtonElement>(card(el, call.callId), '[part="rerun-button"]').click();
    await settle(el);
    expect(el.selected).to.equal('math.evaluate');
    const f = form(el);
    await f.updateComplete;
    expect(f.value).to.deep.equal({ expression: '2^10' });
    await waitFor('focus in the form', () => f.shadowRoot!.activeElement?.localName === 'input');
    expect(fake.argsOf('invokeTool')).to.deep.equal([], 're-run only fills the form');
    runButton(el).click();
    await settle(el);
    expect(fake.argsOf('invokeTool')).to.deep.equal([['math.evaluate', { expression: '2^10' }]]);
  });

  it('copies a call as a curl command', async () => {
    const fake = fakeWith();
    const call = toolCall('crm.lookup', {
      args: { email: "o'brien@example.com" },
      status: 'done',
      result: {},
      endedAt: 1_000_100,
    });
    fake.$calls.set([call]);
    const el = await toolsWith(fake);
    const copied: string[] = [];
    const clipboard = navigator.clipboard;
    const original = clipboard.writeText;
    clipboard.writeText = (t: string) => (copied.push(t), Promise.resolve());
    try {
      const button = $<HTMLButtonElement>(card(el, call.callId), '[part="curl-button"]');
      expect(text(button)).to.equal('Copy as curl');
      button.click();
      await waitFor('the copy', () => copied.length);
      await settle(el);
      expect(text(button)).to.equal('Copied');
    } finally {
      clipboard.writeText = original;
    }
    const [command] = copied;
    expect(command).to.match(
      /^curl -X POST 'https:\/\/fake\.test\/parties\/main\/fake-room\/tools\/crm\.lookup\/invoke' \\\n/,
    );
    expect(command).to.contain(`-H 'content-type: application/json'`);
    expect(command).to.match(/-H 'Idempotency-Key: [A-Za-z0-9-]{8,}'/);
    expect(command).to.contain(`-H "Authorization: Bearer $REALSTREAM_TOKEN"`);
    expect(command).to.contain(`--data-raw '{"args":{"email":"o'\\''brien@example.com"}}'`);
  });
});

describe('realstream-tools options', () => {
  it('takes strings, a theme for itself and its form, and can hide the history', async () => {
    const el = await toolsWith(fakeWith(), (t) => {
      t.strings = { title: 'Outils', run: 'Lancer', searchLabel: 'Chercher un outil' };
      t.theme = 'dark';
      t.selected = 'math.evaluate';
    });
    expect(text($(el, '[part="header"]'))).to.equal('Outils');
    expect(text(runButton(el))).to.equal('Lancer');
    expect($(el, '[part="search"]').getAttribute('aria-label')).to.equal('Chercher un outil');
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(form(el).getAttribute('theme')).to.equal('dark');
    expect($$(el, '[part="history"]')).to.have.length(1);
    el.noHistory = true;
    await settle(el);
    expect(el.hasAttribute('no-history')).to.equal(true);
    expect($$(el, '[part="history"]')).to.have.length(0);
    await expect(el).to.be.accessible();
  });
});

describe('curl command', () => {
  it('uses http for a local dev server, https otherwise, and quotes safely', () => {
    expect(httpOrigin('localhost:1999')).to.equal('http://localhost:1999');
    expect(httpOrigin('127.0.0.1:8787')).to.equal('http://127.0.0.1:8787');
    expect(httpOrigin('chat.example.com')).to.equal('https://chat.example.com');
    expect(httpOrigin('localhost.evil.com')).to.equal('https://localhost.evil.com');
    expect(httpOrigin('wss://chat.example.com/')).to.equal('https://chat.example.com');
    expect(shellQuote(`a'b $HOME "c"`)).to.equal(`'a'\\''b $HOME "c"'`);
    const cmd = curlCommand({
      host: 'localhost:1999',
      party: 'main',
      room: 'a room',
      name: 'time.now',
      args: { tz: '$(rm -rf /)' },
      key: 'k-1',
    });
    expect(cmd).to.contain(`'http://localhost:1999/parties/main/a%20room/tools/time.now/invoke'`);
    expect(cmd).to.contain(`--data-raw '{"args":{"tz":"$(rm -rf /)"}}'`);
  });
});
