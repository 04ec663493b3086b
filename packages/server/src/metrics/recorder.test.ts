import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { histogram, latencyOf, recordLatency } from './latency.js';
import { BUCKET_MS, MetricsRecorder } from './recorder.js';

const live = { people: [], streaming: 0, toolsRunning: 0, responders: [] };

describe('MetricsRecorder', () => {
  it('keeps the last minute and the last 15 apart, with totals since the start', () => {
    let now = 1_000_000 * BUCKET_MS;
    const m = new MetricsRecorder('r', () => now);
    m.count('messagesIn', 5);
    m.ttft(100);
    now += 5 * 60_000; // five minutes later
    m.count('messagesIn', 2);
    m.ttft(300);
    const s = m.snapshot(live);
    assert.equal(s.lastMinute.messagesIn, 2);
    assert.equal(s.last15Minutes.messagesIn, 7);
    assert.equal(s.total.messagesIn, 7);
    assert.equal(s.lastMinute.ttft.count, 1);
    assert.equal(s.last15Minutes.ttft.count, 2);
    assert.ok(Math.abs(s.last15Minutes.ttft.p99 - 300) <= 3, 'HdrHistogram keeps 2 digits');

    now += 16 * 60_000; // everything recorded so far is now older than 15 minutes
    const later = m.snapshot(live);
    assert.equal(later.last15Minutes.messagesIn, 0);
    assert.equal(later.total.messagesIn, 7, 'totals keep everything');
    assert.equal(later.series.length, 90);
    assert.ok(later.series.every((p) => p.messagesIn === 0));
  });

  it('counts replies per responder and their failures by code, most first', () => {
    const m = new MetricsRecorder('r');
    m.reply('openai');
    m.reply('openai', 'timeout');
    m.reply('openai', 'provider_unavailable');
    m.reply('openai', 'timeout');
    m.reply('demo');
    const s = m.snapshot({
      ...live,
      responders: [
        { name: 'openai', toolsRefused: 'does not support tools' },
        { name: 'demo', toolsRefused: null },
        { name: 'anthropic', toolsRefused: null },
      ],
    });
    assert.deepEqual(s.responders, [
      {
        name: 'openai',
        replies: 4,
        errors: [
          { code: 'timeout', count: 2 },
          { code: 'provider_unavailable', count: 1 },
        ],
        toolsRefused: 'does not support tools',
      },
      { name: 'demo', replies: 1, errors: [], toolsRefused: null },
      { name: 'anthropic', replies: 0, errors: [], toolsRefused: null },
    ]);
  });

  it('puts every bucket in the series, oldest first, and counts tools per name', () => {
    let now = 2_000_000 * BUCKET_MS;
    const m = new MetricsRecorder('r', () => now);
    m.tool('math.evaluate', 'done', 12);
    m.tool('math.evaluate', 'timeout', 5000);
    now += BUCKET_MS;
    m.count('tokens', 40);
    const s = m.snapshot(live);
    assert.deepEqual(
      s.series.slice(-2).map((p) => p.tokens),
      [0, 40],
    );
    assert.ok(s.series.every((p, i) => i === 0 || p.t - s.series[i - 1].t === BUCKET_MS));
    assert.deepEqual(
      s.tools.map((t) => [t.name, t.calls, t.errors, t.timeouts]),
      [['math.evaluate', 2, 0, 1]],
    );
    assert.equal(s.last15Minutes.toolCalls, 2);
    assert.equal(s.last15Minutes.toolErrors, 1, 'a timeout is a tool error');
  });
});

describe('MetricsRecorder windows as running sums', () => {
  it('adds closing buckets and subtracts expiring ones exactly', () => {
    let now = 4_000_000 * BUCKET_MS;
    const m = new MetricsRecorder('r', () => now);
    for (let b = 0; b < 90; b++) {
      for (let i = 0; i < 50; i++) {
        m.ttft(50 + ((i * 37) % 2000));
        m.replyDuration(1000 + ((i * 997) % 20_000));
      }
      m.tool('math.evaluate', 'done', 5 + (b % 50));
      now += BUCKET_MS;
    }
    const s = m.snapshot(live);
    assert.equal(
      s.last15Minutes.ttft.count,
      89 * 50,
      'one bucket left the window as the 91st opened',
    );
    assert.equal(s.lastMinute.ttft.count, 6 * 50, 'six closed buckets and the empty one filling');
    assert.equal(s.tools[0].calls, 89);
    assert.equal(s.total.ttft.count, 90 * 50);
    now += 20 * 60_000;
    const idle = m.snapshot(live);
    assert.equal(idle.last15Minutes.ttft.count, 0, 'everything subtracted again');
    assert.deepEqual(idle.tools, []);
  });

  it('reads the same percentiles as a histogram of only the values still in the window', () => {
    let now = 5_000_000 * BUCKET_MS;
    const m = new MetricsRecorder('r', () => now);
    m.ttft(30_000); // the slowest reply, in the first bucket
    now += BUCKET_MS;
    const inLastMinute = histogram();
    for (let b = 0; b < 8; b++) {
      for (let i = 0; i < 20; i++) {
        const ms = 100 + b * 100 + i * 7;
        m.ttft(ms);
        if (b >= 2) recordLatency(inLastMinute, ms); // the six buckets closed last
      }
      now += BUCKET_MS;
    }
    const s = m.snapshot(live);
    const { max, ...percentiles } = latencyOf(inLastMinute);
    assert.deepEqual({ ...s.lastMinute.ttft, max: undefined }, { ...percentiles, max: undefined });
    // A closed bucket keeps values as hdr's bucket edges, so a max is exact to its 2 digits.
    assert.ok(Math.abs(s.lastMinute.ttft.max - max) <= max * 0.01);
    assert.ok(s.lastMinute.ttft.max < 1000, 'the slow first reply has left the last minute');
    assert.ok(Math.abs(s.last15Minutes.ttft.max - 30_000) <= 300, 'but not the last 15');
    assert.equal(s.last15Minutes.ttft.count, 161);
  });
});
