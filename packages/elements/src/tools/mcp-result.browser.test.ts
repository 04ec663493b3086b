/// <reference types="mocha" />
// An MCP call's result in the tools' history: each content part as what it is (text, image, link,
// embedded resource, structured JSON), unsafe links as text, and an error with the server's text.
import { expect } from '@open-wc/testing';
import type { McpToolResult } from '@realstream/client';
import { FakeClient, tool, toolCall } from '../../test/fake-client.js';
import { $, $$, settle, text, toolsWith, unmountAll } from '../../test/mount.js';

afterEach(unmountAll);

// A 1x1 transparent PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const result: McpToolResult = {
  content: [
    { type: 'text', text: 'Found 2 pages.' },
    { type: 'image', data: PNG, mimeType: 'image/png' },
    { type: 'image', data: '<svg onload=alert(1)>', mimeType: 'image/svg+xml' },
    { type: 'resource_link', uri: 'https://docs.example.com/a', name: 'a', title: 'Page A' },
    { type: 'resource_link', uri: 'javascript:alert(1)', name: 'evil' },
    { type: 'resource', resource: { uri: 'file:///notes.txt', text: 'inline notes' } },
    { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
  ],
  structuredContent: { count: 2 },
};

async function panelWith(call: ReturnType<typeof toolCall>) {
  const fake = new FakeClient();
  fake.$tools.set([tool('docs.search', { kind: 'mcp', server: 'docs' })]);
  fake.$calls.set([call]);
  return toolsWith(fake);
}

describe('realstream-tools MCP results', () => {
  it('renders every part kind, links only http(s), and structured content as JSON', async () => {
    const el = await panelWith(
      toolCall('docs.search', { status: 'done', result, endedAt: 1_000_000 + 5_000 }),
    );
    await settle(el);
    expect(text($(el, '[part="result-text"]'))).to.equal('Found 2 pages.');
    const img = $<HTMLImageElement>(el, '[part="result-image"]');
    expect(img.src).to.equal(`data:image/png;base64,${PNG}`);
    expect(img.alt).to.equal('Image from the tool (image/png)');
    // The SVG is not drawn: a labelled placeholder says what it was.
    const shown = $$(el, '[part="result-placeholder"]').filter((p) => !p.hidden);
    expect(shown.map(text)).to.deep.equal([
      'Image (image/svg+xml): not shown, this page does not allow data: images',
      'Audio (audio/wav): not played here',
    ]);
    const links = $$<HTMLAnchorElement>(el, '[part="result-link"] a');
    expect(links.map((a) => [a.href, a.rel, text(a)])).to.deep.equal([
      ['https://docs.example.com/a', 'noopener noreferrer', 'Page A'],
    ]);
    expect(text($$(el, '[part="result-link"]')[1])).to.equal('evil javascript:alert(1)');
    expect(text($(el, '[part="result-resource"]'))).to.equal('file:///notes.txt inline notes');
    expect(JSON.parse(text($(el, '[part="result-structured"]')))).to.deep.equal({ count: 2 });
    await expect(el).to.be.accessible();
  });

  it('shows the server badge, and an isError result as the server text', async () => {
    const el = await panelWith(
      toolCall('docs.search', {
        status: 'error',
        error: { code: 'tool_failed', message: 'index is rebuilding' },
        endedAt: 1_000_000 + 5_000,
      }),
    );
    expect(text($(el, '[part="server-badge"]'))).to.equal('docs');
    expect(text($(el, '[part="call-error"]'))).to.contain('index is rebuilding');
  });
});
