import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS } from './options.js';
import { Watchdog } from './watchdog.js';

// The shipped defaults: these tests are about the timings users get.
const options = {
  pingIntervalMs: DEFAULTS.pingIntervalMs,
  pongTimeoutMs: DEFAULTS.pongTimeoutMs,
  stallTimeoutMs: DEFAULTS.stallTimeoutMs,
  stallProbeMs: DEFAULTS.stallProbeMs,
};
const { pingIntervalMs: INTERVAL, pongTimeoutMs: PONG } = options;

function setup(ctx: TestContext, streaming = false) {
  ctx.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  let now = 0;
  const pings: number[] = [];
  const dead: { at: number; during: string; reason: string }[] = [];
  const quiet: { at: number; quiet: boolean }[] = [];
  const dog = new Watchdog(options, {
    ping: () => pings.push(now),
    dead: (during, reason) => dead.push({ at: now, during, reason }),
    quiet: (q) => quiet.push({ at: now, quiet: q }),
    streaming: () => streaming,
    now: () => now,
  });
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i += 50) {
      now += 50;
      ctx.mock.timers.tick(50);
    }
  };
  return {
    dog,
    pings,
    dead,
    quiet,
    advance,
    at: () => now,
    setStreaming: (s: boolean) => (streaming = s),
  };
}

describe('Watchdog', () => {
  it('pings an idle link once per interval and stays quiet while pongs answer', (ctx) => {
    const { dog, pings, dead, advance } = setup(ctx);
    dog.start();
    advance(INTERVAL - 50);
    assert.equal(pings.length, 0);
    advance(50);
    assert.equal(pings.length, 1);
    advance(100);
    dog.frame(); // the pong
    advance(INTERVAL);
    dog.frame();
    assert.equal(pings.length, 2);
    assert.deepEqual(dead, []);
    dog.stop();
  });

  it('does not ping a link that frames keep proving alive', (ctx) => {
    const { dog, pings, advance } = setup(ctx);
    dog.start();
    for (let i = 0; i < 10; i++) {
      advance(INTERVAL / 2);
      dog.frame(); // chat traffic
    }
    assert.equal(pings.length, 0);
    dog.stop();
  });

  it('declares an idle dead link within two heartbeat intervals, as a lost link (not a stall)', (ctx) => {
    const { dog, dead, pings, advance } = setup(ctx);
    dog.start();
    // The worst moment to die: right after a pong, so the next ping is a whole interval away.
    advance(INTERVAL);
    assert.equal(pings.length, 1);
    advance(100);
    dog.frame();
    const diedAt = INTERVAL + 100;
    advance(INTERVAL * 2);
    assert.equal(dead.length, 1, 'found dead');
    const took = dead[0].at - diedAt;
    assert.ok(took <= INTERVAL + PONG, `found after ${took} ms (interval + pong timeout)`);
    assert.ok(took <= 2 * INTERVAL, `found after ${took} ms: within two intervals`);
    assert.equal(dead[0].during, 'idle');
    assert.match(dead[0].reason, /no pong/);
    assert.equal(dog.running, false, 'a dead link stops the watchdog until the next start');
  });

  it('says a streaming link is quiet within 2 s of its last frame, then declares it dead', (ctx) => {
    const { dog, pings, dead, quiet, advance } = setup(ctx, true);
    dog.start();
    advance(500);
    dog.frame(); // a delta
    const lastFrame = 500;
    advance(1_000);
    assert.equal(quiet.length, 0, 'a keep-alive gap of 1 s is not a stall');
    advance(1_000);
    assert.equal(quiet.length, 1, 'quiet by 2 s after the last frame');
    assert.ok(quiet[0].at - lastFrame <= 2_000, `quiet after ${quiet[0].at - lastFrame} ms`);
    assert.equal(quiet[0].quiet, true);
    assert.equal(pings.length, 1, 'a probe went out with the notice');
    advance(options.stallProbeMs);
    assert.equal(dead.length, 1);
    assert.equal(dead[0].during, 'stream');
    assert.match(dead[0].reason, /stalled/);
  });

  it('takes the stall notice back when a frame arrives (a slow link, not a dead one)', (ctx) => {
    const { dog, dead, quiet, advance } = setup(ctx, true);
    dog.start();
    advance(1_800);
    assert.deepEqual(
      quiet.map((q) => q.quiet),
      [true],
    );
    dog.frame(); // the probe's pong, or the next delta
    assert.deepEqual(
      quiet.map((q) => q.quiet),
      [true, false],
    );
    // Keep-alives every second from here on: no further notice, never dead.
    for (let i = 0; i < 10; i++) {
      advance(1_000);
      dog.frame();
    }
    assert.equal(quiet.length, 2);
    assert.deepEqual(dead, []);
    dog.stop();
  });

  it('does not watch for stalls when nothing streams', (ctx) => {
    const { dog, pings, dead, quiet, advance } = setup(ctx, false);
    dog.start();
    advance(INTERVAL - 100);
    assert.equal(pings.length, 0);
    assert.deepEqual(dead, []);
    assert.deepEqual(quiet, []);
    dog.stop();
  });

  it('switches to stall watching when a frame starts a stream', (ctx) => {
    const { dog, quiet, advance, setStreaming } = setup(ctx, false);
    dog.start();
    advance(1_000);
    setStreaming(true);
    dog.frame(); // message.created of a reply
    advance(2_000);
    assert.equal(
      quiet.length,
      1,
      'the stall shows although the idle timer was a full interval out',
    );
    dog.stop();
  });

  it('probes at once when asked (a send, the page coming back)', (ctx) => {
    const { dog, pings, dead, advance } = setup(ctx);
    dog.start();
    advance(1_000);
    dog.probeNow();
    assert.equal(pings.length, 1);
    advance(PONG);
    assert.equal(dead.length, 1);
    assert.equal(dead[0].during, 'idle');
  });
});
