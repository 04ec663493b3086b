import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog } from './watchdog.js';

const options = {
  pingIntervalMs: 15_000,
  pongTimeoutMs: 5_000,
  stallTimeoutMs: 4_000,
  stallProbeMs: 1_500,
};

function setup(ctx: TestContext, streaming = false) {
  ctx.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  let now = 0;
  const pings: number[] = [];
  const dead: string[] = [];
  const dog = new Watchdog(options, {
    ping: (t) => pings.push(t),
    dead: (reason) => dead.push(reason),
    streaming: () => streaming,
    now: () => now,
  });
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i += 50) {
      now += 50;
      ctx.mock.timers.tick(50);
    }
  };
  return { dog, pings, dead, advance, setStreaming: (s: boolean) => (streaming = s) };
}

describe('Watchdog', () => {
  it('pings on schedule and stays quiet while frames answer', (ctx) => {
    const { dog, pings, dead, advance } = setup(ctx);
    dog.start();
    advance(15_000);
    assert.equal(pings.length, 1);
    advance(100);
    dog.frame();
    advance(15_000);
    dog.frame();
    assert.equal(pings.length, 2);
    assert.deepEqual(dead, []);
    dog.stop();
  });

  it('declares the link dead when nothing follows a ping within the pong timeout', (ctx) => {
    const { dog, dead, advance } = setup(ctx);
    dog.start();
    advance(15_000 + 4_950);
    assert.deepEqual(dead, []);
    advance(100);
    assert.deepEqual(dead, ['no pong']);
    assert.equal(dog.running, false, 'a dead link stops the watchdog until the next start');
  });

  it('probes a stalled stream and declares it dead when the probe gets nothing', (ctx) => {
    const { dog, pings, dead, advance } = setup(ctx, true);
    dog.start();
    advance(3_950);
    assert.equal(pings.length, 0);
    advance(1_000);
    assert.equal(pings.length, 1, 'a probe ping after 4 s of silence');
    advance(1_500);
    assert.equal(dead.length, 1);
    assert.match(dead[0], /stalled/);
  });

  it('lets a stalled stream live when the probe is answered (a model that is thinking)', (ctx) => {
    const { dog, pings, dead, advance } = setup(ctx, true);
    dog.start();
    advance(4_500);
    assert.equal(pings.length, 1);
    dog.frame(); // the pong
    advance(3_000);
    assert.deepEqual(dead, []);
    dog.stop();
  });

  it('does not watch for stalls when nothing streams', (ctx) => {
    const { dog, pings, dead, advance } = setup(ctx, false);
    dog.start();
    advance(14_000);
    assert.equal(pings.length, 0);
    assert.deepEqual(dead, []);
    dog.stop();
  });
});
