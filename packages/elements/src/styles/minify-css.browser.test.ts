/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import type { CSSResult } from 'lit';
import { minifyCssText } from '../../scripts/minify-css.mjs';
import { chatStyles } from '../chat/chat.styles.js';
import { messageStyles } from '../chat/message.styles.js';
import { dashboardStyles } from '../dashboard/dashboard.styles.js';
import { feedStyles } from '../dashboard/feed.styles.js';
import { markdownStyles } from '../internal/markdown/markdown.styles.js';
import { schemaFormStyles } from '../tools/schema-form.styles.js';
import { toolCardStyles } from '../tools/tool-card.styles.js';
import { toolsStyles } from '../tools/tools.styles.js';

/**
 * Every rule as the browser parsed it: the same list means the same styles. A value with var()
 * keeps its tokens as written, spaces after commas included, and those never mean anything.
 */
function rules(text: string): string[] {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  return Array.from(sheet.cssRules, (r) => r.cssText.replace(/,\s+/g, ','));
}

// The build ships these minified (scripts/minify-css.mjs) while the browser tests render the
// source: the browser itself checks that the two are the same stylesheet.
const SHEETS: Record<string, CSSResult> = {
  chatStyles,
  messageStyles,
  dashboardStyles,
  feedStyles,
  markdownStyles,
  schemaFormStyles,
  toolCardStyles,
  toolsStyles,
};

describe('minified element styles', () => {
  for (const [name, sheet] of Object.entries(SHEETS)) {
    it(`${name} parses to the same rules minified`, () => {
      const source = rules(sheet.cssText);
      expect(source.length).to.be.greaterThan(0);
      const minified = minifyCssText(sheet.cssText);
      expect(minified.length).to.be.lessThan(sheet.cssText.length);
      expect(rules(minified)).to.deep.equal(source);
    });
  }
});
