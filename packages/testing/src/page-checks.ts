// What every example page must hold on any screen, checked in a real Chromium page: nothing
// scrolls sideways or sticks out of the viewport, the chat's composer is on screen, and axe finds
// no serious or critical accessibility violation. Shared by the host's layout suite and the
// npm-app suite, which serves its page from a server of its own.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * The screens every page is checked at: the smallest phone still in use (320 px, iPhone SE 1st
 * generation class), a phone (iPhone 12-15 class) and a laptop.
 */
export const VIEWPORTS = [
  { name: 'small phone', width: 320, height: 640 },
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1280, height: 800 },
] as const;

export interface Overflow {
  /** The page's own scroll width, against the viewport's. */
  scrollWidth: number;
  innerWidth: number;
  /** Elements (light DOM and open shadow roots) that reach past the viewport's sides, not clipped. */
  outside: string[];
}

/**
 * Measures horizontal overflow: the document's scroll width, and every rendered element, in the
 * page and inside open shadow roots, whose box reaches past the left or right edge of the viewport
 * without an ancestor that clips or scrolls it sideways (a wide table in its own scroller is fine;
 * the scroller itself must fit).
 */
export async function horizontalOverflow(page: Page): Promise<Overflow> {
  // A string, not a function: tsx would wrap the named helpers in `__name()`, which the page lacks.
  return page.evaluate(`(() => {
    const width = window.innerWidth;
    const parentOf = (el) => el.parentElement ?? (el.getRootNode().host || null);
    const clipped = (el) => {
      for (let p = parentOf(el); p; p = parentOf(p))
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      return false;
    };
    const describe = (el) => {
      const path = [];
      for (let p = el; p && path.length < 4; p = parentOf(p)) {
        const part = p.getAttribute('part');
        const cls = p.classList[0];
        path.unshift(p.localName + (p.id ? '#' + p.id : '') + (cls ? '.' + cls : '') +
          (part ? '[part=' + part + ']' : ''));
      }
      return path.join(' > ');
    };
    const outside = [];
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if ((r.right > width + 1 || r.left < -1) && !clipped(el))
          outside.push(describe(el) + ': ' + Math.round(r.left) + '..' + Math.round(r.right));
      }
    };
    visit(document);
    return {
      scrollWidth: document.scrollingElement.scrollWidth,
      innerWidth: width,
      outside: outside.slice(0, 20),
    };
  })()`);
}

/** Where the chat's composer is, against the viewport (nothing scrolled by the test). */
export async function composerBox(
  page: Page,
  scope = 'realstream-chat',
): Promise<{ top: number; bottom: number; left: number; right: number; innerHeight: number }> {
  const composer = page.locator(`${scope} [part~="composer"]`).first();
  await composer.waitFor({ timeout: 15_000 });
  return composer.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, innerHeight: innerHeight };
  });
}

/** Sends `texts` one after another from the chat, each time waiting for the reply to complete. */
export async function chatAWhile(page: Page, texts: string[], scope = 'realstream-chat') {
  const input = page.locator(`${scope} textarea`).first();
  const done = page.locator(`${scope} article.message--assistant[data-state="complete"]`);
  const before = await done.count();
  for (const [i, text] of texts.entries()) {
    await input.fill(text);
    await input.press('Enter');
    await done.nth(before + i).waitFor({ timeout: 30_000 });
  }
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * Runs axe-core in the page (its source evaluated through the debugging protocol, which the
 * page's CSP does not govern: no CDN, no inline script) over the document and its open shadow
 * roots; returns the serious and critical violations, one line each.
 */
export async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }
    ).axe;
    interface AxeResult {
      violations: {
        id: string;
        impact?: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    }
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id} (${v.help}): ${v.nodes
            .slice(0, 5)
            .map((n) => JSON.stringify(n.target))
            .join(', ')}`,
      );
  });
}
