// Room metrics, the event tap and the ops party against a real `partykit dev` (workerd), with
// real traffic: replies from the demo responder, a tool call, resumes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { ensureParsers, parseMetricsText } from '@realstream/testing/metrics-parsers';
import { eventsOf, openRaw } from '@realstream/testing/raw-socket';
import type { DeploymentMetrics, Role, RoomMetrics } from '@realstream/protocol';
import { signToken } from './auth.js';

const SECRET = 'metrics-test-secret-0123456789abcdef-01';

async function token(room: string, role: Role, sub: string = role) {
  return signToken(SECRET, { sub, name: sub, room, role });
}

async function join(server: TestServer, room: string, role: Role, sub: string = role) {
  const socket = await openRaw(server, room, { token: await token(room, role, sub) });
  await socket.hello();
  return socket;
}

describe('room metrics', () => {
  let server: TestServer;
  before(async () => {
    // The reference parsers install once (seconds on a fresh clone): not in the middle of a test.
    ensureParsers();
    server = await startServer({
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 300,
        REALSTREAM_DEMO_REPLY_TOKENS: 30,
      },
    });
  });
  after(() => server.stop());

  it('counts replies, time to first token, tools and people, live to operators only', async () => {
    const room = 'metrics-live';
    const op = await join(server, room, 'operator', 'olga');
    const ada = await join(server, room, 'member', 'ada');
    const vic = await join(server, room, 'viewer', 'vic');
    vic.send({ type: 'metrics.subscribe', id: 'm-v' });
    assert.equal((await vic.next('error', (f) => f.id === 'm-v')).code, 'forbidden');
    op.send({ type: 'metrics.subscribe', id: 'm-1' });
    await op.next('ack', (f) => f.id === 'm-1');
    const first = await op.next('metrics');
    assert.deepEqual(first.metrics.connections, { total: 3, viewer: 1, member: 1, operator: 1 });
    assert.deepEqual(first.metrics.people.map((p) => p.name).sort(), ['ada', 'olga', 'vic']);

    for (const id of ['q1', 'q2', 'q3']) {
      ada.send({ type: 'message.send', id, text: `Question ${id}` });
      await ada.next('ack', (f) => f.id === id);
    }
    await waitFor(
      'three replies to end',
      () => eventsOf(ada.frames).filter((f) => f.event.type === 'message.completed').length === 3,
      { timeoutMs: 20_000 },
    );
    ada.send({ type: 'tool.invoke', id: 'c1', name: 'math.evaluate', args: { expression: '6*7' } });
    await ada.next('ack', (f) => f.id === 'c1');

    const live = await waitFor(
      'metrics with the three replies and the call',
      () => {
        const frames = op.frames.filter((f) => f.type === 'metrics');
        const last = frames.at(-1) as { metrics: RoomMetrics } | undefined;
        const m = last?.metrics;
        return m && m.last15Minutes.replies === 3 && m.last15Minutes.toolCalls === 1
          ? m
          : undefined;
      },
      { timeoutMs: 10_000 },
    );
    const w = live.last15Minutes;
    assert.equal(w.messagesIn, 3);
    assert.equal(w.messagesOut, 3);
    assert.equal(w.replyErrors, 0);
    assert.ok(w.tokens >= 30, `tokens counted: ${w.tokens}`);
    assert.equal(w.ttft.count, 3);
    assert.ok(w.ttft.p50 > 0 && w.ttft.p50 < 10_000, `plausible TTFT p50: ${w.ttft.p50}`);
    assert.ok(w.replyDuration.p95 >= w.ttft.p50, 'a reply lasts at least until its first token');
    assert.equal(w.joins, 3);
    assert.ok(w.framesOut > 0 && w.bytesOut > w.framesOut);
    assert.ok(w.storageWrites > 0);
    assert.deepEqual(
      live.tools.map((t) => [t.name, t.calls, t.errors]),
      [['math.evaluate', 1, 0]],
    );
    assert.ok(
      live.series.some((p) => p.messagesIn > 0),
      'the series shows the traffic',
    );
    assert.equal(live.series.length, 90);
    assert.deepEqual(live.responders, [
      { name: 'demo', replies: 3, errors: [], toolsRefused: null },
    ]);
    for (const s of [op, ada, vic]) s.close();
  });

  it('counts resumes, snapshot fallbacks, rate limits and bad frames', async () => {
    const room = 'metrics-faults';
    const ada = await join(server, room, 'member', 'ada');
    ada.send('not json');
    ada.send({ type: 'nope' });
    await ada.next('error', (f) => f.code === 'unknown_type');
    const seq = (await ada.next('welcome')).seq;
    ada.close();
    const back = await openRaw(server, room, { token: await token(room, 'member', 'ada') });
    await back.hello(Math.max(1, seq));
    // A resume over server-sent events counts as one too.
    const sse = new AbortController();
    const stream = await fetch(`${server.roomUrl(room)}/events`, {
      signal: sse.signal,
      headers: {
        authorization: `Bearer ${await token(room, 'viewer')}`,
        'last-event-id': String(Math.max(1, seq)),
      },
    });
    assert.equal(stream.status, 200);
    await stream.body!.getReader().read();
    sse.abort();
    const res = await fetch(`${server.roomUrl(room)}/metrics`, {
      headers: { authorization: `Bearer ${await token(room, 'operator')}` },
    });
    assert.equal(res.status, 200);
    const m = (await res.json()) as RoomMetrics;
    assert.equal(m.total.badFrames, 2);
    assert.equal(m.total.resumes, 2);
    const member = await fetch(`${server.roomUrl(room)}/metrics`, {
      headers: { authorization: `Bearer ${await token(room, 'member')}` },
    });
    assert.equal(member.status, 403);
    back.close();
  });

  it('serves OpenMetrics and Prometheus text that their reference parsers accept', async () => {
    const room = 'metrics-live';
    const authorization = `Bearer ${await token(room, 'operator')}`;
    const get = (query: string, accept?: string) =>
      fetch(`${server.roomUrl(room)}/metrics${query}`, {
        headers: { authorization, ...(accept ? { accept } : {}) },
      });
    // What a Prometheus server sends when it scrapes: OpenMetrics first.
    const scrape = await get(
      '',
      'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    );
    const asked = await get('?format=openmetrics');
    const older = await get('?format=prometheus');
    const plain = await get('', 'text/plain');
    const bad = await get('?format=xml');
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as any).error.code, 'invalid_frame');
    for (const res of [scrape, asked]) {
      assert.equal(
        res.headers.get('content-type'),
        'application/openmetrics-text; version=1.0.0; charset=utf-8',
      );
    }
    for (const res of [older, plain]) {
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    }
    const openText = await scrape.text();
    assert.equal(await asked.text(), openText);
    assert.match(openText, /\n# EOF\n$/);
    const promText = await older.text();
    assert.ok(!promText.includes('# EOF'), 'the Prometheus text format has no EOF');
    assert.equal(await plain.text(), promText);

    for (const [format, text] of [
      ['openmetrics', openText],
      ['prometheus', promText],
    ] as const) {
      const families = new Map(parseMetricsText(text, format).map((f) => [f.name, f]));
      const sample = (family: string, name: string, labels: Record<string, string> = {}) =>
        families
          .get(family)
          ?.samples.find(
            (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
          );
      // Both parsers name a counter's family without `_total`; its sample keeps it.
      const replies = 'realstream_replies';
      assert.equal(families.get(replies)?.type, 'counter', format);
      assert.equal(sample(replies, 'realstream_replies_total', { room })?.value, 3, format);
      assert.equal(families.get('realstream_connections')?.type, 'gauge', format);
      const ttft = families.get('realstream_ttft_milliseconds');
      assert.equal(ttft?.type, 'histogram', format);
      if (format === 'openmetrics') assert.equal(ttft?.unit, 'milliseconds');
      const buckets = (ttft?.samples ?? []).filter((s) => s.name.endsWith('_bucket'));
      const counts = buckets.map((b) => b.value);
      assert.deepEqual(
        counts,
        [...counts].sort((a, b) => a - b),
        'buckets are cumulative',
      );
      assert.equal(buckets.at(-1)?.labels.le, '+Inf');
      assert.equal(buckets.at(-1)?.value, 3);
      assert.equal(
        sample('realstream_ttft_milliseconds', 'realstream_ttft_milliseconds_count')?.value,
        3,
      );
      const tool = sample(
        'realstream_tool_latency_milliseconds',
        'realstream_tool_latency_milliseconds_count',
        { tool: 'math.evaluate' },
      );
      assert.equal(tool?.value, 1, format);
      const byResponder = sample(
        'realstream_responder_replies',
        'realstream_responder_replies_total',
        {
          room,
          responder: 'demo',
        },
      );
      assert.equal(byResponder?.value, 3, format);
      assert.equal(families.get('realstream_responder_errors')?.type, 'counter', format);
      for (const family of families.values())
        assert.ok(family.documentation, `HELP for ${family.name}`);
    }
  });

  it('taps the room’s frames for an operator, filtered on the server', async () => {
    const room = 'metrics-tap';
    const op = await join(server, room, 'operator', 'olga');
    const ada = await join(server, room, 'member', 'ada');
    op.send({ type: 'tap.subscribe', id: 't-1', types: ['message.send', 'event:message.delta'] });
    await op.next('ack', (f) => f.id === 't-1');
    ada.send({ type: 'message.send', id: 'tap-q', text: 'Tap this' });
    const entries = await waitFor(
      'tapped send and deltas',
      () => {
        const all = op.frames.flatMap((f) => (f.type === 'tap' ? f.entries : []));
        const send = all.find((e) => e.dir === 'in' && e.type === 'message.send');
        const delta = all.find((e) => e.dir === 'out' && e.type === 'event:message.delta');
        return send && delta ? all : undefined;
      },
      { timeoutMs: 10_000 },
    );
    assert.ok(
      entries.every((e) => e.type === 'message.send' || e.type === 'event:message.delta'),
      'only the types asked for',
    );
    const send = entries.find((e) => e.type === 'message.send')!;
    assert.ok(send.frame.includes('Tap this'));
    assert.ok(send.bytes > 0 && send.connection.length > 0);
    const member = await join(server, room, 'member', 'bob');
    member.send({ type: 'tap.subscribe', id: 't-2' });
    assert.equal((await member.next('error', (f) => f.id === 't-2')).code, 'forbidden');
    for (const s of [op, ada, member]) s.close();
  });

  it('reports active rooms to the ops party, for operators of the deployment', async () => {
    const deployment = `${server.url}/parties/ops/deployment`;
    const opsToken = await signToken(SECRET, {
      sub: 'olga',
      name: 'Olga',
      room: '*',
      role: 'operator',
    });
    const ada = await join(server, 'metrics-ops', 'member', 'ada');
    ada.send({ type: 'message.send', id: 'ops-q', text: 'Hello ops', reply: false });
    const inView = async () => {
      const res = await fetch(deployment, { headers: { authorization: `Bearer ${opsToken}` } });
      if (res.status !== 200) return undefined;
      const d = (await res.json()) as DeploymentMetrics;
      return d.rooms.find((r) => r.room === 'metrics-ops');
    };
    // A room reports as soon as someone joins (Ada's message is in a later report).
    const joined = await waitFor('the room in the deployment view', inView, { timeoutMs: 2_000 });
    assert.equal(joined.connections, 1);
    const row = await waitFor(
      'the room’s next report, with Ada’s message',
      async () => {
        const r = await inView();
        return r?.last15Minutes.messagesIn === 1 ? r : undefined;
      },
      { timeoutMs: 15_000 },
    );
    assert.equal(row.party, 'main');
    assert.equal(row.connections, 1);

    const member = await signToken(SECRET, { sub: 'ada', name: 'Ada', room: '*', role: 'member' });
    const refused = await fetch(deployment, { headers: { authorization: `Bearer ${member}` } });
    assert.equal(refused.status, 403);
    const forged = await fetch(deployment, {
      method: 'POST',
      headers: { authorization: `Bearer ${opsToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(row),
    });
    assert.equal(forged.status, 403, 'a report needs the deployment key, not just a token');

    const ws = await openRaw(server, 'deployment', { party: 'ops', token: opsToken });
    const frame = await ws.next('deployment');
    assert.ok(frame.metrics.rooms.some((r) => r.room === 'metrics-ops'));

    // The last one out: the room says it is idle and leaves the view at once, well before the ops
    // party would forget a room that stopped reporting (IDLE_AFTER_MS, 30 s).
    ada.close();
    await ws.next(
      'deployment',
      (f) => !f.metrics.rooms.some((r) => r.room === 'metrics-ops'),
      5_000,
    );
    ws.close();
  });
});
