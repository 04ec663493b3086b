import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ToolNames, providerSchema } from './tool-names.js';

const PROVIDER_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe('ToolNames', () => {
  it('maps dotted room names to provider names and back', () => {
    const names = new ToolNames(['time.now', 'crm.contact.lookup', 'plain']);
    assert.equal(names.provider('time.now'), 'time_now');
    assert.equal(names.provider('crm.contact.lookup'), 'crm_contact_lookup');
    assert.equal(names.provider('plain'), 'plain');
    assert.equal(names.room('time_now'), 'time.now');
    assert.equal(names.room('crm_contact_lookup'), 'crm.contact.lookup');
  });

  it('passes a name it never sent through unchanged', () => {
    assert.equal(new ToolNames(['time.now']).room('get_weather'), 'get_weather');
  });

  it('never gives two room names one provider name, whatever order they come in', () => {
    for (const order of [
      ['a.b', 'a_b'],
      ['a_b', 'a.b'],
    ]) {
      const names = new ToolNames(order);
      // The name that needs no mapping keeps itself; the dotted one gets the suffix.
      assert.equal(names.provider('a_b'), 'a_b');
      assert.equal(names.provider('a.b'), 'a_b_2');
      assert.equal(names.room('a_b_2'), 'a.b');
      assert.equal(names.room('a_b'), 'a_b');
    }
  });

  it('keeps suffixed names within 64 characters', () => {
    const long = ['a'.repeat(62) + '.b', 'a'.repeat(62) + '_b', 'a'.repeat(62) + '-b'];
    const names = new ToolNames([...long, 'a'.repeat(62) + '/b']);
    const mapped = [...long, 'a'.repeat(62) + '/b'].map((n) => names.provider(n));
    assert.equal(new Set(mapped).size, 4);
    for (const name of mapped) assert.match(name, PROVIDER_NAME);
    mapped.forEach((name, i) =>
      assert.equal(names.room(name), [...long, 'a'.repeat(62) + '/b'][i]),
    );
  });

  it('also names the tools of the history, after the offered ones', () => {
    const names = ToolNames.for(
      [{ name: 'x_y', description: '', inputSchema: {} }],
      [
        {
          role: 'assistant',
          name: 'Assistant',
          text: '',
          toolCalls: [{ id: 'c1', name: 'x.y', arguments: '{}' }],
        },
        { role: 'tool', callId: 'c1', name: 'x.y', content: '1', isError: false },
      ],
    );
    assert.equal(names.provider('x_y'), 'x_y');
    assert.equal(names.provider('x.y'), 'x_y_2');
  });
});

describe('providerSchema', () => {
  it('drops $schema and keeps everything else', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { timeZone: { type: 'string', description: 'IANA' } },
      required: [],
      additionalProperties: false,
    };
    const { $schema: _, ...rest } = schema;
    assert.deepEqual(providerSchema(schema), rest);
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  it('says the arguments are an object when the schema does not', () => {
    assert.deepEqual(providerSchema({ properties: {} }), { type: 'object', properties: {} });
  });
});
