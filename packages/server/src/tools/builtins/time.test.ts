import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@cfworker/json-schema';
import type { ToolRunContext } from '../types.js';
import { timeNowTool, type TimeNow } from './time.js';

const ctx = {} as ToolRunContext;
// Wednesday 2026-11-25 16:04:05.678 UTC.
const T = Date.UTC(2026, 10, 25, 16, 4, 5, 678);
const at = (ms: number, timeZone?: string) =>
  timeNowTool(() => ms).run(timeZone === undefined ? {} : { timeZone }, ctx) as Promise<TimeNow>;

describe('time.now', () => {
  it('defaults to UTC', async () => {
    assert.deepEqual(await at(T), {
      iso: '2026-11-25T16:04:05.678Z',
      epochMs: T,
      timeZone: 'UTC',
      local: '2026-11-25 16:04:05',
      weekday: 'Wednesday',
      utcOffset: '+00:00',
    });
  });

  it('gives wall-clock time, weekday and offset in a zone', async () => {
    const paris = await at(T, 'Europe/Paris');
    assert.equal(paris.iso, '2026-11-25T16:04:05.678Z', 'iso stays UTC');
    assert.equal(paris.local, '2026-11-25 17:04:05');
    assert.equal(paris.utcOffset, '+01:00');
    assert.equal(paris.weekday, 'Wednesday');
  });

  it('handles half-hour, negative and day-crossing offsets', async () => {
    const kolkata = await at(T, 'Asia/Kolkata');
    assert.equal(kolkata.local, '2026-11-25 21:34:05');
    assert.equal(kolkata.utcOffset, '+05:30');
    assert.equal(kolkata.timeZone, 'Asia/Kolkata', 'keeps the name asked for, not an ICU alias');

    const auckland = await at(T, 'Pacific/Auckland'); // NZDT, +13
    assert.equal(auckland.local, '2026-11-26 05:04:05');
    assert.equal(auckland.weekday, 'Thursday');
    assert.equal(auckland.utcOffset, '+13:00');

    const early = Date.UTC(2026, 10, 25, 2, 0, 0);
    const ny = await at(early, 'America/New_York');
    assert.equal(ny.local, '2026-11-24 21:00:00');
    assert.equal(ny.weekday, 'Tuesday');
    assert.equal(ny.utcOffset, '-05:00');
  });

  it('follows daylight saving time', async () => {
    const summer = await at(Date.UTC(2026, 6, 1, 12), 'Europe/Paris');
    assert.equal(summer.utcOffset, '+02:00');
    assert.equal(summer.local, '2026-07-01 14:00:00');
  });

  it('prints midnight as 00, not 24', async () => {
    const midnight = await at(Date.UTC(2026, 10, 25, 0, 0, 0), 'UTC');
    assert.equal(midnight.local, '2026-11-25 00:00:00');
  });

  it('fixes the case of a zone name', async () => {
    assert.equal((await at(T, 'europe/paris')).timeZone, 'Europe/Paris');
  });

  it('reads the clock on every call', async () => {
    let now = T;
    const tool = timeNowTool(() => now);
    assert.equal(((await tool.run({}, ctx)) as { epochMs: number }).epochMs, T);
    now += 1000;
    assert.equal(((await tool.run({}, ctx)) as { epochMs: number }).epochMs, T + 1000);
  });

  it('uses the real clock by default', async () => {
    const before = Date.now();
    const { epochMs } = (await timeNowTool().run({}, ctx)) as { epochMs: number };
    assert.ok(epochMs >= before && epochMs <= Date.now());
  });

  it('refuses an unknown zone with invalid_argument and a hint', async () => {
    await assert.rejects(at(T, 'Mars/Base'), {
      name: 'ToolFailure',
      code: 'invalid_argument',
      message: 'unknown time zone "Mars/Base": use an IANA name such as "Europe/Paris"',
    });
  });

  it('has schemas its input and output satisfy', async () => {
    const tool = timeNowTool(() => T);
    const input = new Validator(tool.inputSchema as object, '2020-12', false);
    const output = new Validator(tool.outputSchema as object, '2020-12', false);
    assert.ok(input.validate({}).valid);
    assert.ok(input.validate({ timeZone: 'Asia/Tokyo' }).valid);
    assert.ok(!input.validate({ timeZone: 1 }).valid);
    assert.ok(!input.validate({ zone: 'UTC' }).valid);
    assert.ok(output.validate(await tool.run({ timeZone: 'Asia/Tokyo' }, ctx)).valid);
  });
});
