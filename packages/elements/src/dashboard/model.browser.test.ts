/// <reference types="mocha" />
// The dashboard's pure parts: bounded buffers, rates, trends, formatting, chart geometry, the
// rooms table, NDJSON, and the feed's pause/resume bookkeeping.
import { expect } from '@open-wc/testing';
import type { RoomSummary, TapEntry, WindowFigures } from '@realstream/client';
import { TapFeed, tapFilter } from './feed.js';
import {
  Ring,
  TrendHistory,
  durationParts,
  formatBytes,
  formatCount,
  formatLatency,
  formatRate,
  linePoints,
  niceMax,
  parseTypes,
  prettyFrame,
  rate,
  roomRows,
  toNdjson,
  trend,
} from './model.js';

const entry = (n: number): TapEntry => ({
  at: n,
  dir: 'in',
  type: 'message.send',
  bytes: 10,
  connection: 'c',
  frame: `{"n":${n}}`,
});

describe('dashboard model: bounded buffers', () => {
  it('a ring keeps the newest `capacity` items, oldest first', () => {
    const ring = new Ring<number>(3);
    expect(ring.toArray()).to.deep.equal([]);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.size).to.equal(3);
    expect(ring.toArray()).to.deep.equal([3, 4, 5]);
    expect([ring.at(0), ring.at(2), ring.at(3), ring.at(-1)]).to.deep.equal([
      3,
      5,
      undefined,
      undefined,
    ]);
    ring.clear();
    ring.push(9);
    expect(ring.toArray()).to.deep.equal([9]);
  });

  it('trend history is bounded per key', () => {
    const h = new TrendHistory(4);
    for (let i = 0; i < 100; i++) h.push('a', i);
    h.push('b', 1);
    expect(h.values('a')).to.deep.equal([96, 97, 98, 99]);
    expect(h.values('b')).to.deep.equal([1]);
    expect(h.values('none')).to.deep.equal([]);
  });

  it('the feed counts while paused, holds at most its capacity, and shows the held on resume', () => {
    const feed = new TapFeed(100);
    feed.add({ entries: [entry(1)], sampled: false, dropped: 0 });
    feed.pause();
    for (let b = 0; b < 30; b++) {
      const added = feed.add({
        entries: Array.from({ length: 10 }, (_, i) => entry(b * 10 + i + 2)),
        sampled: b === 3,
        dropped: b === 3 ? 5 : 0,
      });
      expect(added).to.equal(0);
    }
    expect(feed.size).to.equal(1);
    expect(feed.missed).to.equal(300);
    expect([feed.sampled, feed.dropped]).to.deep.equal([true, 5]);
    expect(feed.resume()).to.equal(100);
    expect(feed.size).to.equal(100);
    expect(feed.missed).to.equal(0);
    expect(feed.row(0)!.entry.at, 'newest first').to.equal(301);
    expect(feed.row(99)!.entry.at).to.equal(202);
    expect(feed.ndjson().split('\n')).to.have.length(101); // 100 lines and the final newline
    feed.clear();
    expect([feed.size, feed.sampled, feed.dropped]).to.deep.equal([0, false, 0]);
  });

  it('builds the tap filter from what the operator typed', () => {
    expect(parseTypes('  message.send,event:tool  typing, message.send ')).to.deep.equal([
      'message.send',
      'event:tool',
      'typing',
    ]);
    expect(parseTypes(' , ')).to.equal(undefined);
    expect(parseTypes(Array.from({ length: 40 }, (_, i) => `t${i}`).join(','))).to.have.length(32);
    expect(tapFilter(undefined, '')).to.deep.equal({});
    expect(tapFilter(['a'], 'c1')).to.deep.equal({ types: ['a'], connection: 'c1' });
  });
});

describe('dashboard model: figures', () => {
  it('rates and trends', () => {
    expect(rate(30, 60)).to.equal(0.5);
    expect(rate(5, 0)).to.equal(0);
    expect(trend(2, 1)).to.deep.equal({ direction: 'up', change: 1 });
    expect(trend(0.5, 1)).to.deep.equal({ direction: 'down', change: -0.5 });
    expect(trend(1.05, 1).direction).to.equal('flat');
    expect(trend(1, 0)).to.deep.equal({ direction: 'up', change: null });
    expect(trend(0, 0)).to.deep.equal({ direction: 'flat', change: null });
  });

  it('formats counts, rates, latencies, bytes and durations', () => {
    expect([formatCount(0), formatCount(1234), formatCount(12_345)]).to.deep.equal([
      '0',
      '1,234',
      '12.3K',
    ]);
    expect([formatRate(0.05), formatRate(12.34), formatRate(1234)]).to.deep.equal([
      '0.05',
      '12.3',
      '1,234',
    ]);
    expect(formatLatency(0)).to.deep.equal({ value: '0', unit: 'ms' });
    expect(formatLatency(842.4)).to.deep.equal({ value: '842', unit: 'ms' });
    expect(formatLatency(1234)).to.deep.equal({ value: '1.23', unit: 'sec' });
    expect(formatLatency(12_345)).to.deep.equal({ value: '12.3', unit: 'sec' });
    expect(formatBytes(512)).to.deep.equal({ value: '512', unit: 'byte' });
    expect(formatBytes(1536)).to.deep.equal({ value: '1.5', unit: 'kB' });
    expect(formatBytes(5 * 1024 ** 2)).to.deep.equal({ value: '5', unit: 'MB' });
    expect(durationParts(12_500)).to.deep.equal([[12, 's']]);
    expect(durationParts(185_000)).to.deep.equal([[3, 'min']]);
    expect(durationParts(3_900_000)).to.deep.equal([
      [1, 'h'],
      [5, 'min'],
    ]);
    expect(durationParts(7_200_000)).to.deep.equal([[2, 'h']]);
    expect(durationParts(90_000_000)).to.deep.equal([
      [1, 'd'],
      [1, 'h'],
    ]);
  });

  it('pretty-prints frames, and leaves cut ones as they came', () => {
    expect(prettyFrame('{"a":[1,2]}')).to.equal('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyFrame('{"a":')).to.equal('{"a":');
    const lines = toNdjson([entry(1), { ...entry(2), frame: 'not json' }]).split('\n');
    expect(lines).to.have.length(3);
    expect(JSON.parse(lines[0]).frame).to.deep.equal({ n: 1 });
    expect(JSON.parse(lines[1]).frame).to.equal('not json');
    expect(toNdjson([])).to.equal('');
  });
});

describe('dashboard model: charts and rooms', () => {
  it('rounds axes up to 1, 2 or 5 times a power of ten', () => {
    expect([
      niceMax([]),
      niceMax([0.3]),
      niceMax([3]),
      niceMax([7]),
      niceMax([120]),
      niceMax([1000]),
    ]).to.deep.equal([1, 1, 5, 10, 200, 1000]);
  });

  it('draws values bottom-up across the box', () => {
    expect(linePoints([0, 5, 10], 100, 50, 10)).to.equal('0,50 50,25 100,0');
    expect(linePoints([20, -1], 10, 10, 10), 'clamped').to.equal('0,0 10,10');
    expect(linePoints([4], 10, 10, 8)).to.equal('0,5 10,5');
    expect(linePoints([], 10, 10)).to.equal('');
  });

  it('lists rooms busiest first with their per-minute rates and errors', () => {
    const w = (patch: Partial<WindowFigures>): WindowFigures =>
      ({
        seconds: 60,
        messagesIn: 0,
        messagesOut: 0,
        replyErrors: 0,
        toolErrors: 0,
        badFrames: 0,
        ttft: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
        ...patch,
      }) as WindowFigures;
    const room = (
      name: string,
      connections: number,
      patch: Partial<WindowFigures> = {},
    ): RoomSummary => ({
      room: name,
      party: 'main',
      at: 0,
      connections,
      streaming: 0,
      toolsRunning: 0,
      lastMinute: w({ seconds: 30, messagesIn: 3, messagesOut: 2 }),
      last15Minutes: w({ seconds: 900, replyErrors: 1, toolErrors: 1, badFrames: 1, ...patch }),
    });
    const replied = { ttft: { count: 4, p50: 300, p95: 900, p99: 950, max: 990 } };
    const rows = roomRows({
      at: 0,
      rooms: [room('b', 1), room('a', 1, replied), room('z', 5)],
    });
    expect(rows.map((r) => r.room)).to.deep.equal(['z', 'a', 'b']);
    expect(rows[0]).to.include({ messagesPerMinute: 10, errors: 3 });
    // No reply in the window: no time to first token, not 0 ms.
    expect(rows.map((r) => r.ttftP95)).to.deep.equal([null, 900, null]);
    expect(roomRows(null)).to.deep.equal([]);
  });
});
