/**
 * What both benchmark pages share: the reply, the token pump (one token per macrotask through a
 * MessageChannel, so the producer never waits on a timer clamp and the consumer decides how much
 * work each token costs), the frame-gap counter and the completion check.
 */
import { makeReply, FINAL_PARAGRAPH, type Reply } from './reply.js';

export interface PageResult {
  /** Tokens in the reply. */
  tokens: number;
  /** Tokens pushed before the end (fewer than `tokens` when the time budget ran out). */
  tokensTaken: number;
  /** The budget ran out before the whole reply was taken. */
  capped: boolean;
  wallMs: number;
  /** rAF-to-rAF gaps over 50 ms between the first token and the final text in the DOM. */
  framesOver50: number;
  frames: number;
  maxFrameGapMs: number;
  /** Sentinel words (one per markdown block) found in the rendered text, of those taken. */
  sentinelsFound: number;
  sentinels: number;
  /** The first few sentinels not found. */
  missing: string[];
  finalParagraph: boolean;
  domTextChars: number;
}

export interface BenchSystem {
  /** Everything before the measured window: mount, first message, idle. */
  setup(reply: Reply): Promise<void>;
  /** Delivers one token (synchronously, as a socket message handler would). */
  push(token: string): void;
  /** The stream ended (after the last push has been taken). */
  end(): void | Promise<void>;
  /** The rendered reply's text, or null while it is not rendered yet. */
  renderedText(): string | null;
}

declare global {
  interface Window {
    __bench: { ready: Promise<void>; run(budgetMs: number): Promise<PageResult> };
  }
}

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));
const squash = (s: string) => s.replace(/\s+/g, ' ');

export function install(system: BenchSystem): void {
  const tokens = Number(new URLSearchParams(location.search).get('tokens')) || 20_000;
  const reply = makeReply(tokens);
  const ready = (async () => {
    await system.setup(reply);
    // Let the mount settle: a few frames and a quiet moment.
    for (let i = 0; i < 5; i++) await nextFrame();
    await new Promise((r) => setTimeout(r, 300));
  })();

  /** budgetMs: stop pushing once this much wall time has passed (a quadratic renderer can take hours). */
  async function run(budgetMs: number): Promise<PageResult> {
    await ready;
    const final = squash(FINAL_PARAGRAPH);
    let done = false;
    let frames = 0;
    let over = 0;
    let maxGap = 0;
    let last = performance.now();
    const onFrame = (t: number) => {
      if (done) return;
      const gap = t - last;
      last = t;
      frames++;
      maxGap = Math.max(maxGap, gap);
      if (gap > 50) over++;
      requestAnimationFrame(onFrame);
    };

    const started = performance.now();
    console.timeStamp('bench-render:start');
    requestAnimationFrame(onFrame);

    const channel = new MessageChannel();
    let i = 0;
    let capped = false;
    await new Promise<void>((resolve) => {
      channel.port1.onmessage = () => {
        system.push(reply.tokens[i++]);
        capped = i < reply.tokens.length && performance.now() - started > budgetMs;
        if (i < reply.tokens.length && !capped) channel.port2.postMessage(0);
        else void Promise.resolve(system.end()).then(resolve);
      };
      channel.port2.postMessage(0);
    });
    channel.port1.close();
    // Checked once per frame from the last token on: the final paragraph in the DOM (or, when
    // capped, the first frame after the last push). Then one macrotask, so the rendering (style,
    // layout, paint) of that frame is inside the window.
    let text: string | null = null;
    for (;;) {
      await nextFrame();
      text = system.renderedText();
      if (capped || (text !== null && squash(text).includes(final))) break;
    }
    text ??= '';
    await new Promise((r) => setTimeout(r, 0));
    const wallMs = performance.now() - started;
    console.timeStamp('bench-render:end');
    done = true;
    // The checks below are ours, not the element's: in a task of their own, after the window.
    await new Promise((r) => setTimeout(r, 0));

    const flat = squash(text);
    // Table cells and the like render without spaces between them: match `zq12` not `zq123`.
    const has = (s: string, within: string) => new RegExp(`${s}(?!\\d)`).test(within);
    const taken = capped ? reply.tokens.slice(0, i).join('') : reply.text;
    const expected = reply.sentinels.filter((s) => has(s, taken));
    const missing = expected.filter((s) => !has(s, flat));
    return {
      tokens: reply.tokens.length,
      tokensTaken: i,
      capped,
      wallMs,
      framesOver50: over,
      frames,
      maxFrameGapMs: maxGap,
      sentinelsFound: expected.length - missing.length,
      missing: missing.slice(0, 5),
      sentinels: expected.length,
      finalParagraph: flat.includes(final),
      domTextChars: text.length,
    };
  }

  window.__bench = { ready, run };
}
