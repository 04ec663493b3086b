// REALSTREAM_MCP_SERVERS: checked once at start, with the webhooks' URL guards; errors name the
// variable, server and field and never echo a header's value or a URL's credentials.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endpointOf, mcpSpecProblem, parseMcpServers } from './config.js';

const NET = { allowHosts: ['mcp.example.com'], allowPrivate: false };

describe('REALSTREAM_MCP_SERVERS', () => {
  it('reads servers on the allow-list', () => {
    const specs = parseMcpServers(
      JSON.stringify([
        {
          name: 'docs',
          url: 'https://mcp.example.com/mcp',
          headers: { Authorization: 'Bearer x' },
        },
      ]),
      NET,
    );
    assert.deepEqual(
      specs.map((s) => [s.name, s.url]),
      [['docs', 'https://mcp.example.com/mcp']],
    );
  });

  it('is empty when unset', () => {
    assert.deepEqual(parseMcpServers(undefined, NET), []);
    assert.deepEqual(parseMcpServers('  ', NET), []);
  });

  it('refuses bad JSON without quoting it', () => {
    assert.throws(
      () => parseMcpServers('[{"name":"docs","headers":{"a":"s3cret"', NET),
      (err: Error) => err.message === 'REALSTREAM_MCP_SERVERS: not valid JSON',
    );
  });

  it('refuses a host outside the list, naming server and field', () => {
    assert.throws(
      () => parseMcpServers(JSON.stringify([{ name: 'docs', url: 'https://evil.test/mcp' }]), NET),
      /REALSTREAM_MCP_SERVERS\[0\] \("docs"\)\.url: host "evil\.test" is not in REALSTREAM_WEBHOOK_HOSTS/,
    );
  });

  it('refuses a private address unless allowed', () => {
    const spec = { name: 'local', url: 'http://127.0.0.1:9000/mcp' };
    const refused = mcpSpecProblem(spec, { allowHosts: ['127.0.0.1:9000'], allowPrivate: false });
    assert.match(String(refused), /^url: /);
    const allowed = mcpSpecProblem(spec, { allowHosts: ['127.0.0.1:9000'], allowPrivate: true });
    assert.equal(typeof allowed, 'object');
  });

  it('refuses credentials in the URL without echoing them', () => {
    const problem = mcpSpecProblem(
      { name: 'docs', url: 'https://user:hunter2@mcp.example.com/mcp' },
      NET,
    );
    assert.equal(typeof problem, 'string');
    assert.ok(!String(problem).includes('hunter2'), String(problem));
  });

  it('refuses a bad name and a server declared twice, never echoing header values', () => {
    assert.throws(
      () =>
        parseMcpServers(JSON.stringify([{ name: 'Docs!', url: 'https://mcp.example.com' }]), NET),
      /REALSTREAM_MCP_SERVERS\[0\] \("Docs!"\)\.name/,
    );
    const twice = [
      { name: 'docs', url: 'https://mcp.example.com/a', headers: { 'X-Key': 'k1' } },
      { name: 'docs', url: 'https://mcp.example.com/b', headers: { 'X-Key': 'k2' } },
    ];
    assert.throws(
      () => parseMcpServers(JSON.stringify(twice), NET),
      (err: Error) => /declared twice/.test(err.message) && !/k1|k2/.test(err.message),
    );
  });

  it('shows operators the endpoint without its query', () => {
    assert.equal(
      endpointOf('https://mcp.example.com/mcp?key=abc#x'),
      'https://mcp.example.com/mcp',
    );
  });
});
