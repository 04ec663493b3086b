// The registry's rules on their own: who owns a browser tool's name, and what it keeps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Role, ToolSpec } from '@realstream/protocol';
import {
  CLIENT_TOOL_LIMITS,
  countValues,
  ToolRegistry,
  VALIDATION_BUDGET,
  type Registrant,
} from './registry.js';

const spec = (over: Partial<ToolSpec> = {}): ToolSpec => ({
  name: 'crm.lookup',
  description: 'Find a customer',
  inputSchema: { type: 'object', properties: { email: { type: 'string' } } },
  ...over,
});
const who = (connId: string, id: string, role: Role): Registrant => ({
  connId,
  user: { id, name: id, role },
});

describe('ToolRegistry', () => {
  it('lets the owner change a tool, others only implement the same one with the owner’s role', () => {
    const r = new ToolRegistry([], undefined);
    assert.ok(r.register(who('c1', 'ada', 'member'), spec()).ok);
    assert.ok(r.register(who('c2', 'ada', 'member'), spec({ description: 'v2' })).ok, 'owner');
    const other = r.register(who('c3', 'bob', 'member'), spec({ description: 'mine now' }));
    assert.equal(other.ok, false);
    assert.ok(r.register(who('c3', 'bob', 'member'), spec({ description: 'v2' })).ok, 'same one');
    const lower = r.register(who('c4', 'vic', 'viewer'), spec({ description: 'v2' }));
    assert.equal(lower.ok ? 'ok' : lower.code, 'conflict', 'a lower role may not implement it');
  });

  it('lets a higher role take over a tool nobody implements any more', () => {
    const r = new ToolRegistry([], undefined);
    assert.ok(r.register(who('c1', 'ada', 'member'), spec()).ok);
    r.unregister('c1');
    const taken = r.register(who('c2', 'olga', 'operator'), spec({ minRole: 'operator' }));
    assert.ok(taken.ok);
    assert.equal(r.get('crm.lookup')?.tool.minRole, 'operator');
  });

  it('forgets the oldest abandoned tools to make room, and refuses when none can go', () => {
    const r = new ToolRegistry([], undefined);
    const big = { type: 'object', description: 'x'.repeat(15_000) };
    let acked = 0;
    for (let i = 0; i < 40; i++) {
      const res = r.register(
        who(`c${i}`, 'ada', 'member'),
        spec({ name: `t.n${i}`, inputSchema: big }),
      );
      if (res.ok) acked++;
      else assert.equal(res.code, 'too_large');
      if (i === 19) for (let k = 0; k < 20; k++) r.unregister(`c${k}`);
    }
    const fit = Math.floor(
      CLIENT_TOOL_LIMITS.totalBytes /
        JSON.stringify(spec({ name: 't.n10', inputSchema: big })).length,
    );
    assert.equal(
      acked,
      2 * fit,
      `${fit} fit; once they were abandoned, as many new ones took their place, and no more`,
    );
    const kept = r.list().filter((t) => t.kind === 'client');
    assert.ok(kept.length <= fit, `${kept.length} kept`);
    assert.ok(
      kept.some((t) => t.name === `t.n${19 + fit}`),
      'the newest acked is kept',
    );
    assert.ok(!kept.some((t) => t.name === 't.n0'), 'the oldest abandoned one was forgotten');
  });

  it('does not bring back a stored tool whose schema today’s checks refuse', () => {
    const unsafe = spec({
      name: 'old.tool',
      inputSchema: { type: 'object', properties: { q: { type: 'string', pattern: '^(a+)+$' } } },
    });
    const r = new ToolRegistry([], undefined, [
      { spec: unsafe, owner: { id: 'ada', role: 'member' } },
      { spec: spec(), owner: { id: 'ada', role: 'member' } },
    ]);
    assert.deepEqual(
      r.list().map((t) => t.name),
      ['crm.lookup'],
    );
  });

  it('refuses arguments nested deeper than a frame may be, without recursing', () => {
    const r = new ToolRegistry([], undefined);
    assert.ok(r.register(who('c1', 'ada', 'member'), spec({ inputSchema: {} })).ok);
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    assert.match(r.argsProblem('crm.lookup', deep) ?? '', /deeper than 64/);
  });

  it('refuses a client tool’s arguments whose validation would cost past the budget', () => {
    const r = new ToolRegistry([], undefined);
    const anyOf = Array.from({ length: 30 }, (_, i) => ({ const: `v${i}` }));
    const inputSchema = { type: 'object', properties: { xs: { type: 'array', items: { anyOf } } } };
    assert.ok(r.register(who('c1', 'ada', 'member'), spec({ inputSchema })).ok);
    const args = (n: number) => ({ xs: Array.from({ length: n }, () => 'v29') });
    assert.equal(r.argsProblem('crm.lookup', args(100)), null, 'within the budget: validated');
    assert.match(r.argsProblem('crm.lookup', args(13_000)) ?? '', /more than \d+ values/);
    const most = Math.floor(VALIDATION_BUDGET / countValues(inputSchema));
    assert.equal(countValues(args(13_000), most), most + 1, 'counting stops past the limit');
  });
});
