/// <reference types="mocha" />
// <realstream-schema-form>: each JSON Schema construct renders a labelled control, shows the
// validator's message for a bad value, and submits the arguments object the server expects.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './define.js';
import type { RealstreamSchemaForm } from './schema-form.js';
import type { JsonSchema } from './schema-model.js';

async function mount(schema: JsonSchema, value?: Record<string, unknown>) {
  const el = await fixture<RealstreamSchemaForm>(
    html`<realstream-schema-form .schema=${schema} .value=${value ?? {}}></realstream-schema-form>`,
  );
  await el.updateComplete;
  return el;
}

const root = (el: RealstreamSchemaForm) => el.shadowRoot!;
const $ = <T extends Element = HTMLElement>(el: RealstreamSchemaForm, sel: string) =>
  root(el).querySelector<T>(sel)!;
const $$ = <T extends Element = HTMLElement>(el: RealstreamSchemaForm, sel: string) => [
  ...root(el).querySelectorAll<T>(sel),
];
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The control a visible label names (label text up to the required star). */
function control<T extends HTMLElement = HTMLInputElement>(
  el: RealstreamSchemaForm,
  name: string,
  must = true,
) {
  const label = $$<HTMLLabelElement>(el, 'label').find(
    (l) => text(l).replace(/\s*\*$/, '') === name,
  );
  if (!label && !must) return null as unknown as T;
  if (!label) throw new Error(`no label "${name}"`);
  return root(el).getElementById(label.htmlFor) as T;
}

/** The legend-named group. */
function group(el: RealstreamSchemaForm, name: string) {
  const fs = $$<HTMLFieldSetElement>(el, 'fieldset').find(
    (f) => text(f.querySelector('legend')).replace(/\s*\*?\s*required$/, '') === name,
  );
  if (!fs) throw new Error(`no group "${name}"`);
  return fs;
}

async function type(
  el: RealstreamSchemaForm,
  c: HTMLInputElement | HTMLTextAreaElement,
  v: string,
) {
  c.value = v;
  c.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  c.dispatchEvent(new FocusEvent('blur'));
  await el.updateComplete;
}

async function choose(el: RealstreamSchemaForm, c: HTMLSelectElement, label: string) {
  c.value = [...c.options].find((o) => text(o) === label)!.value;
  c.dispatchEvent(new Event('change'));
  await el.updateComplete;
}

async function click(el: RealstreamSchemaForm, c: HTMLElement) {
  c.click();
  await el.updateComplete;
}

/** The message linked to a control through aria-describedby. */
function message(el: RealstreamSchemaForm, c: Element) {
  const ids = (c.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  const err = ids
    .map((id) => root(el).getElementById(id))
    .find((n) => n?.matches('.schema-form__error'));
  return err ? text(err) : '';
}

/** Submits and returns the event's args, or undefined when nothing fired. */
async function submit(el: RealstreamSchemaForm) {
  let args: Record<string, unknown> | undefined;
  const on = (e: Event) => (args = (e as CustomEvent).detail.args);
  el.addEventListener('realstream-schema-form-submit', on);
  el.submit();
  el.removeEventListener('realstream-schema-form-submit', on);
  await el.updateComplete;
  return args;
}

describe('realstream-schema-form strings', () => {
  const schema = {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', title: 'Name', minLength: 3, maxLength: 20 },
      code: { type: 'string', title: 'Code', pattern: '^[A-Z]{3}$' },
      email: { type: 'string', title: 'Email', format: 'email' },
      site: { type: 'string', title: 'Site', format: 'uri' },
      day: { type: 'string', title: 'Day', format: 'date' },
      at: { type: 'string', title: 'At', format: 'date-time' },
      time: { type: 'string', title: 'Time', format: 'time' },
      note: { type: 'string', title: 'Note' },
    },
  };

  it('maps formats to input types, inputmode and placeholders', async () => {
    const el = await mount(schema);
    expect(control(el, 'Email').type).to.equal('email');
    expect(control(el, 'Email').inputMode).to.equal('email');
    expect(control(el, 'Site').type).to.equal('url');
    expect(control(el, 'Day').type).to.equal('date');
    expect(control(el, 'Time').placeholder).to.equal('09:30:00Z');
    expect(control(el, 'At').placeholder).to.match(/T\d\d:\d\d:\d\dZ$/);
    expect(control(el, 'Name').maxLength).to.equal(20);
    expect(control(el, 'Name').minLength).to.equal(3);
    expect(control(el, 'Code').getAttribute('pattern')).to.equal('^[A-Z]{3}$');
    expect(control(el, 'Name').required).to.equal(true);
    expect(text(control(el, 'Name').labels![0])).to.equal('Name*');
  });

  it('shows the message on blur, linked by aria-describedby', async () => {
    const el = await mount(schema);
    const name = control(el, 'Name');
    await type(el, name, 'ab');
    expect(name.getAttribute('aria-invalid')).to.equal('true');
    expect(message(el, name)).to.equal('Enter at least 3 characters.');
    await type(el, control(el, 'Code'), 'abc');
    expect(message(el, control(el, 'Code'))).to.equal('Use the expected format (^[A-Z]{3}$).');
    await type(el, control(el, 'Email'), 'nope');
    expect(message(el, control(el, 'Email'))).to.contain('email address');
    await type(el, control(el, 'At'), '2026-01-31 09:30');
    expect(message(el, control(el, 'At'))).to.contain('date and time with a zone');
    // Untouched fields stay quiet until submit.
    expect(control(el, 'Site').hasAttribute('aria-invalid')).to.equal(false);
    await type(el, name, 'Ada');
    expect(name.hasAttribute('aria-invalid')).to.equal(false);
  });

  it('submits typed strings and omits emptied optionals', async () => {
    const el = await mount(schema);
    expect(await submit(el)).to.equal(undefined);
    expect(message(el, control(el, 'Name'))).to.equal('This field is required.');
    await type(el, control(el, 'Name'), 'Ada');
    await type(el, control(el, 'Note'), 'x');
    await type(el, control(el, 'Note'), '');
    await type(el, control(el, 'Time'), '09:30');
    expect(message(el, control(el, 'Time'))).to.equal('Enter a time with a zone, like 09:30:00Z.');
    await type(el, control(el, 'Time'), '09:30:00Z');
    await type(el, control(el, 'At'), '2026-01-31T09:30:00Z');
    expect(await submit(el)).to.deep.equal({
      name: 'Ada',
      time: '09:30:00Z',
      at: '2026-01-31T09:30:00Z',
    });
  });

  it('uses a textarea for long text', async () => {
    const el = await mount({
      type: 'object',
      properties: {
        a: { type: 'string', title: 'A', maxLength: 500 },
        b: { type: 'string', title: 'B', 'x-multiline': true },
        c: { type: 'string', title: 'C', format: 'textarea' },
        d: { type: 'string', title: 'D', maxLength: 200 },
      },
    });
    expect(['A', 'B', 'C', 'D'].map((n) => control(el, n).tagName)).to.deep.equal([
      'TEXTAREA',
      'TEXTAREA',
      'TEXTAREA',
      'INPUT',
    ]);
    await type(el, control<HTMLTextAreaElement>(el, 'B'), 'line 1\nline 2');
    expect(await submit(el)).to.deep.equal({ b: 'line 1\nline 2' });
  });
});

describe('realstream-schema-form numbers and booleans', () => {
  const schema = {
    type: 'object',
    required: ['count', 'agree'],
    properties: {
      count: { type: 'integer', title: 'Count', minimum: 1, maximum: 10 },
      ratio: { type: 'number', title: 'Ratio', exclusiveMinimum: 0, multipleOf: 0.5 },
      agree: { type: 'boolean', title: 'Agree' },
      loud: { type: 'boolean', title: 'Loud', default: true },
    },
  };

  it('renders number inputs with step, min and max', async () => {
    const el = await mount(schema);
    const count = control(el, 'Count');
    expect([count.type, count.step, count.min, count.max, count.inputMode]).to.deep.equal([
      'number',
      '1',
      '1',
      '10',
      'numeric',
    ]);
    expect(control(el, 'Ratio').step).to.equal('0.5');
    expect(control(el, 'Agree').type).to.equal('checkbox');
    expect(control(el, 'Loud').checked).to.equal(true);
  });

  it('explains out-of-range and non-integer values', async () => {
    const el = await mount(schema);
    await type(el, control(el, 'Count'), '11');
    expect(message(el, control(el, 'Count'))).to.equal('Enter 10 or less.');
    await type(el, control(el, 'Count'), '2.5');
    expect(message(el, control(el, 'Count'))).to.equal('Enter a whole number.');
    await type(el, control(el, 'Ratio'), '0');
    expect(message(el, control(el, 'Ratio'))).to.equal('Enter more than 0.');
    await type(el, control(el, 'Ratio'), '0.7');
    expect(message(el, control(el, 'Ratio'))).to.equal('Enter a multiple of 0.5.');
  });

  it('submits numbers as numbers and booleans as booleans', async () => {
    const el = await mount(schema);
    await type(el, control(el, 'Count'), '7');
    await type(el, control(el, 'Ratio'), '1.5');
    await click(el, control(el, 'Agree'));
    await click(el, control(el, 'Loud'));
    expect(await submit(el)).to.deep.equal({ count: 7, ratio: 1.5, agree: true, loud: false });
  });
});

describe('realstream-schema-form enums and const', () => {
  const schema = {
    type: 'object',
    required: ['size', 'unit', 'kind'],
    properties: {
      size: { title: 'Size', enum: ['xs', 's', 'm', 'l', 'xl'] },
      unit: { title: 'Unit', enum: ['c', 'f'] },
      level: { title: 'Level', type: 'integer', enum: [1, 2, 3, 4] },
      kind: { title: 'Kind', const: 'search' },
    },
  };

  it('uses a select past three options and radios up to three', async () => {
    const el = await mount(schema);
    expect(control(el, 'Size').tagName).to.equal('SELECT');
    const unit = group(el, 'Unit');
    expect($$(el, 'input[type=radio]').length).to.equal(2);
    expect(text(unit.querySelector('legend'))).to.contain('required');
    expect(control(el, 'Kind').readOnly).to.equal(true);
  });

  it('requires a choice, then submits the typed values', async () => {
    const el = await mount(schema);
    expect(await submit(el)).to.equal(undefined);
    expect(message(el, control(el, 'Size'))).to.equal('This field is required.');
    expect(message(el, group(el, 'Unit'))).to.equal('This field is required.');
    await choose(el, control<HTMLSelectElement>(el, 'Size'), 'm');
    await click(el, control(el, 'f'));
    await choose(el, control<HTMLSelectElement>(el, 'Level'), '3');
    expect(await submit(el)).to.deep.equal({ size: 'm', unit: 'f', level: 3, kind: 'search' });
  });
});

describe('realstream-schema-form arrays', () => {
  const schema = {
    type: 'object',
    properties: {
      tags: {
        type: 'array',
        title: 'Tags',
        minItems: 1,
        maxItems: 3,
        items: { type: 'string', minLength: 2 },
      },
      people: {
        type: 'array',
        title: 'People',
        items: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', title: 'Name' },
            age: { type: 'integer', title: 'Age' },
          },
        },
      },
    },
    required: ['tags'],
  };

  it('adds, reorders and removes items, within minItems and maxItems', async () => {
    const el = await mount(schema);
    const tags = group(el, 'Tags');
    const add = tags.querySelector<HTMLButtonElement>('[part="add-item"]')!;
    expect(text(add)).to.equal('Add to Tags');
    expect(tags.querySelectorAll('li').length).to.equal(1);
    expect(
      tags.querySelector<HTMLButtonElement>('[aria-label="Remove item 1"]')!.disabled,
    ).to.equal(true);
    await type(el, control(el, 'Item 1'), 'aa');
    await click(el, add);
    await click(el, add);
    expect(add.disabled).to.equal(true);
    await type(el, control(el, 'Item 2'), 'bb');
    await type(el, control(el, 'Item 3'), 'cc');
    await click(el, tags.querySelector<HTMLButtonElement>('[aria-label="Move item 3 up"]')!);
    await click(el, tags.querySelector<HTMLButtonElement>('[aria-label="Remove item 1"]')!);
    await click(el, tags.querySelector<HTMLButtonElement>('[aria-label="Move item 1 down"]')!);
    expect(await submit(el)).to.deep.equal({ tags: ['bb', 'cc'] });
  });

  it('validates each item at its index', async () => {
    const el = await mount(schema, { tags: ['ok', 'x'] });
    expect(await submit(el)).to.equal(undefined);
    expect(message(el, control(el, 'Item 2'))).to.equal('Enter at least 2 characters.');
    const v = el.validate();
    expect(v.ok).to.equal(false);
    expect(v.errors).to.deep.equal([
      { pointer: '#/tags/1', message: 'Enter at least 2 characters.' },
    ]);
  });

  it('shows minItems on the group', async () => {
    const el = await mount(schema, { tags: [] });
    expect(await submit(el)).to.equal(undefined);
    expect(message(el, group(el, 'Tags'))).to.equal('Add at least 1 item.');
  });

  it('edits arrays of objects', async () => {
    const el = await mount(schema, { tags: ['ok'] });
    await click(el, group(el, 'People').querySelector<HTMLButtonElement>('[part="add-item"]')!);
    const row = group(el, 'Item 1');
    expect(row.querySelectorAll('input').length).to.equal(2);
    expect(await submit(el)).to.equal(undefined);
    const name = row.querySelector<HTMLInputElement>('input')!;
    expect(message(el, name)).to.equal('This field is required.');
    await type(el, name, 'Ada');
    await type(el, row.querySelectorAll<HTMLInputElement>('input')[1], '36');
    expect(await submit(el)).to.deep.equal({ tags: ['ok'], people: [{ name: 'Ada', age: 36 }] });
  });
});

describe('realstream-schema-form objects, $ref, defaults and nullables', () => {
  const schema = {
    type: 'object',
    $defs: {
      address: {
        type: 'object',
        required: ['city'],
        properties: {
          city: { type: 'string', title: 'City', description: 'Where the office is.' },
          zip: { type: 'string', title: 'ZIP', default: '75001' },
        },
      },
    },
    required: ['home', 'nick'],
    properties: {
      home: { $ref: '#/$defs/address', title: 'Home' },
      work: { $ref: '#/$defs/address', title: 'Work' },
      nick: { type: ['string', 'null'], title: 'Nickname' },
      limit: { type: 'integer', title: 'Limit', default: 20 },
    },
  };

  it('renders nested objects as fieldsets, with defaults and help text', async () => {
    const el = await mount(schema);
    const home = group(el, 'Home');
    expect(text(home.querySelector('legend'))).to.equal('Home* required');
    expect(home.querySelector('legend')!.textContent!.replace(/\s+/g, ' ')).to.contain(
      '* required',
    );
    const city = home.querySelector<HTMLInputElement>('input')!;
    expect(city.getAttribute('aria-describedby')).to.equal(`${city.id}-help`);
    expect(text(root(el).getElementById(`${city.id}-help`))).to.equal('Where the office is.');
    expect(control(el, 'Limit').value).to.equal('20');
    expect(home.querySelectorAll('input')[1].value).to.equal('75001');
  });

  it('validates nested fields and drops an untouched optional group', async () => {
    const el = await mount(schema);
    expect(await submit(el)).to.equal(undefined);
    const city = group(el, 'Home').querySelector<HTMLInputElement>('input')!;
    expect(message(el, city)).to.equal('This field is required.');
    expect(city.getAttribute('aria-describedby')).to.equal(`${city.id}-help ${city.id}-error`);
    await type(el, city, 'Paris');
    // `work` starts with only its default zip; a nullable required field sends null when empty.
    const args = await submit(el);
    expect(args).to.deep.include({ home: { city: 'Paris', zip: '75001' }, nick: null, limit: 20 });
  });

  it('sends a nullable field when filled', async () => {
    const el = await mount(schema, { home: { city: 'Oslo' } });
    await type(el, control(el, 'Nickname'), 'Ace');
    await type(el, group(el, 'Work').querySelector<HTMLInputElement>('input')!, 'Rome');
    expect(await submit(el)).to.deep.equal({
      home: { city: 'Oslo' },
      work: { city: 'Rome', zip: '75001' },
      nick: 'Ace',
      limit: 20,
    });
  });
});

describe('realstream-schema-form oneOf and anyOf', () => {
  const schema = {
    type: 'object',
    required: ['target'],
    properties: {
      target: {
        title: 'Target',
        oneOf: [
          { type: 'string', title: 'By name', minLength: 2 },
          { type: 'integer', title: 'By id', minimum: 1 },
        ],
      },
      mode: {
        title: 'Mode',
        oneOf: [
          { const: 'fast', title: 'Fast' },
          { const: 'safe', title: 'Safe' },
          { const: 'slow', title: 'Slow' },
          { const: 'off', title: 'Off' },
        ],
      },
      scope: {
        title: 'Scope',
        anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'object' }],
      },
    },
  };

  it('picks a variant, then edits it with its own control', async () => {
    const el = await mount(schema);
    const kind = control<HTMLSelectElement>(el, 'Target: kind');
    expect([...kind.options].map(text)).to.deep.equal(['(none)', 'By name', 'By id']);
    await choose(el, kind, 'By id');
    const id = control(el, 'Target');
    expect(id.type).to.equal('number');
    await type(el, id, '0');
    expect(message(el, id)).to.equal('Enter 1 or more.');
    await type(el, id, '42');
    await choose(el, control<HTMLSelectElement>(el, 'Mode'), 'Safe');
    expect(await submit(el)).to.deep.equal({ target: 42, mode: 'safe' });
  });

  it('falls back to a JSON textarea, with syntax errors located', async () => {
    const el = await mount(schema, { target: 'ab' });
    const scope = control<HTMLTextAreaElement>(el, 'Scope JSON');
    expect(scope.tagName).to.equal('TEXTAREA');
    await type(el, scope, '[\n  "a",\n  oops\n]');
    expect(message(el, scope)).to.match(/^Invalid JSON at line 3, column 3/);
    expect(await submit(el)).to.equal(undefined);
    await type(el, scope, '["a", "b"]');
    expect(message(el, scope)).to.equal('');
    expect(await submit(el)).to.deep.equal({ target: 'ab', scope: ['a', 'b'] });
  });
});

describe('realstream-schema-form nullables, tagged unions and strictness', () => {
  it('offers null for a nullable boolean and a nullable group', async () => {
    const el = await mount({
      type: 'object',
      required: ['flag', 'range'],
      properties: {
        flag: { type: ['boolean', 'null'], title: 'Flag' },
        range: {
          type: ['object', 'null'],
          title: 'Range',
          properties: { from: { type: 'integer', title: 'From' } },
        },
        alias: { anyOf: [{ type: 'string', minLength: 3 }, { type: 'null' }], title: 'Alias' },
      },
    });
    const flag = control<HTMLSelectElement>(el, 'Flag');
    expect([...flag.options].map(text)).to.deep.equal(['(none)', 'true', 'false']);
    await choose(el, flag, 'false');
    const isNull = control(el, 'No value (null)');
    expect(isNull.checked).to.equal(false);
    await click(el, isNull);
    expect(control(el, 'From', false)).to.equal(null);
    expect(control(el, 'Alias').tagName).to.equal('INPUT');
    // One branch has the value's shape, so its own message is shown, not "matches no shape".
    await type(el, control(el, 'Alias'), 'ab');
    expect(message(el, control(el, 'Alias'))).to.equal('Enter at least 3 characters.');
    await type(el, control(el, 'Alias'), 'abc');
    expect(await submit(el)).to.deep.equal({ flag: false, range: null, alias: 'abc' });
    await click(el, isNull);
    await type(el, control(el, 'From'), '2');
    expect(await submit(el)).to.deep.equal({ flag: false, range: { from: 2 }, alias: 'abc' });
  });

  it('edits a tagged union of objects', async () => {
    const el = await mount({
      type: 'object',
      required: ['contact'],
      properties: {
        contact: {
          title: 'Contact',
          oneOf: [
            {
              title: 'Email',
              type: 'object',
              required: ['kind', 'address'],
              properties: {
                kind: { const: 'email', title: 'Kind' },
                address: { type: 'string', format: 'email', title: 'Address' },
              },
            },
            {
              title: 'Phone',
              type: 'object',
              required: ['kind', 'number'],
              properties: {
                kind: { const: 'phone', title: 'Kind' },
                number: { type: 'string', title: 'Number', pattern: '^\\+?[0-9 ]+$' },
              },
            },
          ],
        },
      },
    });
    expect(await submit(el)).to.equal(undefined);
    const kind = control<HTMLSelectElement>(el, 'Contact: kind');
    expect(message(el, kind)).to.equal('This field is required.');
    await choose(el, kind, 'Phone');
    expect(control(el, 'Kind').value).to.equal('phone');
    await type(el, control(el, 'Number'), 'call me');
    expect(message(el, control(el, 'Number'))).to.contain('expected format');
    await type(el, control(el, 'Number'), '+33 1 23');
    expect(await submit(el)).to.deep.equal({ contact: { kind: 'phone', number: '+33 1 23' } });
    expect(text($(el, 'select#' + kind.id + ' option:checked'))).to.equal('Phone');
  });

  it('reports properties the schema forbids, in raw mode, with their path', async () => {
    const el = await mount({
      type: 'object',
      additionalProperties: false,
      properties: { q: { type: 'string', title: 'Q' } },
    });
    await click(el, $(el, '[part="mode-toggle"]'));
    const raw = control<HTMLTextAreaElement>(el, 'Arguments (JSON)');
    await type(el, raw, '{"q": "x", "extra": 1}');
    expect(message(el, raw)).to.equal('extra: This property is not allowed here.');
    await type(el, raw, '[1]');
    expect(message(el, raw)).to.equal('Enter an object.');
    expect(el.validate().ok).to.equal(false);
  });
});

describe('realstream-schema-form raw JSON mode', () => {
  const schema = {
    type: 'object',
    required: ['q'],
    properties: { q: { type: 'string', title: 'Query' }, n: { type: 'integer', title: 'N' } },
  };

  it('edits the same value as JSON, validates it, and keeps it when switching back', async () => {
    const el = await mount(schema);
    await type(el, control(el, 'Query'), 'cats');
    const toggle = $<HTMLButtonElement>(el, '[part="mode-toggle"]');
    await click(el, toggle);
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    const raw = control<HTMLTextAreaElement>(el, 'Arguments (JSON)');
    expect(JSON.parse(raw.value)).to.deep.equal({ q: 'cats' });

    await type(el, raw, '{"q": "dogs", "n": "3"}');
    expect(message(el, raw)).to.equal('n: Enter a whole number.');
    await type(el, raw, '{"q": "dogs",\n "n": }');
    expect(message(el, raw)).to.match(/^Invalid JSON at line 2, column 7/);
    await click(el, toggle);
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(await submit(el)).to.equal(undefined);

    await type(el, raw, '{"q": "dogs", "n": 3}');
    expect(await submit(el)).to.deep.equal({ q: 'dogs', n: 3 });
    await click(el, toggle);
    expect(control(el, 'Query').value).to.equal('dogs');
    expect(control(el, 'N').value).to.equal('3');
  });
});

describe('realstream-schema-form keyboard, events and accessibility', () => {
  const schema = {
    type: 'object',
    required: ['city'],
    properties: {
      city: { type: 'string', title: 'City', description: 'A city name.' },
      days: { type: 'integer', title: 'Days', minimum: 1, default: 3 },
      units: { title: 'Units', enum: ['metric', 'imperial'] },
      hourly: { type: 'boolean', title: 'Hourly' },
      tags: { type: 'array', title: 'Tags', items: { type: 'string' } },
      where: {
        type: 'object',
        title: 'Where',
        properties: { lat: { type: 'number', title: 'Latitude' } },
      },
    },
  };

  it('submits with Enter from the keyboard, and fires input with the value', async () => {
    const el = await mount(schema);
    const inputs: unknown[] = [];
    el.addEventListener('input', () => inputs.push(structuredClone(el.value)));
    const fired: unknown[] = [];
    el.addEventListener('realstream-schema-form-submit', (e) => fired.push(e.detail.args));
    control(el, 'City').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(fired).to.deep.equal([]);
    expect(root(el).activeElement).to.equal(control(el, 'City'));
    await sendKeys({ type: 'Rome' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'Enter' });
    expect(fired).to.deep.equal([{ city: 'Rome', days: 4 }]);
    expect(inputs.length).to.equal(5);
    expect(inputs.at(-1)).to.deep.equal({ city: 'Rome', days: 4 });
  });

  it('keeps keyboard focus on a moved or removed array row', async () => {
    const el = await mount({
      type: 'object',
      properties: { tags: { type: 'array', title: 'Tags', items: { type: 'string' } } },
    });
    const add = $<HTMLButtonElement>(el, '[part="add-item"]');
    add.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(root(el).activeElement).to.equal(control(el, 'Item 1'));
    await sendKeys({ type: 'one' });
    add.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await sendKeys({ type: 'two' });
    const up = () => $<HTMLButtonElement>(el, '[aria-label="Move item 2 up"]');
    up().focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await el.updateComplete;
    // Row 2 moved to 1, where "up" is disabled: focus lands on its "down" button.
    expect(root(el).activeElement?.getAttribute('aria-label')).to.equal('Move item 1 down');
    expect(el.value).to.deep.equal({ tags: ['two', 'one'] });
    $<HTMLButtonElement>(el, '[aria-label="Remove item 2"]').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(root(el).activeElement?.getAttribute('aria-label')).to.equal('Remove item 1');
  });

  it('moves focus to the first problem and counts them when a submit is refused', async () => {
    const el = await mount(
      {
        type: 'object',
        required: ['a', 'list'],
        properties: {
          a: { type: 'string', title: 'A' },
          list: { type: 'array', title: 'List', minItems: 1, items: { type: 'integer' } },
        },
      },
      { list: [] },
    );
    expect(el.submit()).to.equal(false);
    await el.updateComplete;
    expect(root(el).activeElement).to.equal(control(el, 'A'));
    expect(text($(el, '[part="summary"]'))).to.equal('Fix 2 problems before running.');
    await type(el, control(el, 'A'), 'x');
    el.submit();
    await el.updateComplete;
    expect(root(el).activeElement).to.equal($(el, '[part="add-item"]'));
  });

  it('does not fire input when code sets the value', async () => {
    const el = await mount(schema);
    let count = 0;
    el.addEventListener('input', () => count++);
    el.value = { city: 'Lima' };
    await el.updateComplete;
    expect(control(el, 'City').value).to.equal('Lima');
    expect(count).to.equal(0);
  });

  it('disables every control', async () => {
    const el = await mount(schema);
    el.disabled = true;
    await el.updateComplete;
    const enabled = $$<HTMLInputElement>(el, 'input, select, textarea, button').filter(
      (c) => !c.disabled,
    );
    expect(enabled).to.deep.equal([]);
  });

  it('is accessible, with and without errors shown, and in raw mode', async () => {
    const el = await mount(schema, { tags: ['a'] });
    await expect(el).to.be.accessible();
    await submit(el);
    expect(message(el, control(el, 'City'))).to.equal('This field is required.');
    await expect(el).to.be.accessible();
    await click(el, $(el, '[part="mode-toggle"]'));
    await expect(el).to.be.accessible();
  });

  it('is accessible with every kind of control and every message shown', async () => {
    const el = await mount(
      {
        type: 'object',
        $defs: { id: { type: 'integer', minimum: 1 } },
        required: ['unit', 'pick', 'flag', 'any', 'rows', 'ref'],
        properties: {
          unit: { enum: ['a', 'b'], title: 'Unit', description: 'Pick one.' },
          pick: { enum: ['a', 'b', 'c', 'd'], title: 'Pick' },
          flag: { type: ['boolean', 'null'], title: 'Flag' },
          any: { title: 'Any', oneOf: [{ type: 'string' }, { type: 'number' }] },
          blob: { title: 'Blob', anyOf: [{ type: 'array' }, { type: 'object' }] },
          rows: {
            type: 'array',
            title: 'Rows',
            minItems: 2,
            items: { type: 'object', properties: { id: { $ref: '#/$defs/id', title: 'Id' } } },
          },
          ref: { $ref: '#/$defs/id', title: 'Ref' },
          kind: { const: 'x', title: 'Kind' },
          text: { type: 'string', title: 'Text', maxLength: 999 },
          group: {
            type: ['object', 'null'],
            title: 'Group',
            properties: { on: { type: 'boolean', title: 'On' } },
          },
        },
      },
      { rows: [{ id: 0 }] },
    );
    await submit(el);
    expect($$(el, '[aria-invalid="true"]').length).to.be.greaterThan(3);
    await expect(el).to.be.accessible();
  });

  it('refuses to submit with a schema the validator cannot use, and says why', async () => {
    const el = await mount({
      type: 'object',
      properties: { a: { $ref: 'https://example.com/remote.json', title: 'A' } },
    });
    // Like the server, the validator only follows the ref once there is a value to check.
    expect(await submit(el)).to.deep.equal({});
    await type(el, control<HTMLTextAreaElement>(el, 'A JSON'), '1');
    expect(await submit(el)).to.equal(undefined);
    expect(text($(el, '.schema-form__error'))).to.contain('Unresolved $ref');
  });

  it('takes overridden strings', async () => {
    const el = await fixture<RealstreamSchemaForm>(
      html`<realstream-schema-form
        .schema=${schema}
        .strings=${{ requiredError: 'Obligatoire.', rawMode: 'JSON brut' }}
      ></realstream-schema-form>`,
    );
    await submit(el);
    expect(message(el, control(el, 'City'))).to.equal('Obligatoire.');
    expect(text($(el, '[part="mode-toggle"]'))).to.equal('JSON brut');
  });
});

describe('realstream-schema-form with a schema it must not run', () => {
  // Typed into a field with this pattern, 40 a's and a ! take 2^40 steps to refuse: a tab that
  // compiled it (as the validator or as the input's `pattern` attribute) would never come back.
  const evil = '^(a+)+$';
  const hostile = {
    type: 'object',
    properties: {
      code: { type: 'string', title: 'Code', pattern: evil },
      note: { type: 'string', title: 'Note' },
    },
  };

  it('never compiles the pattern, says why at the field, and refuses to submit', async () => {
    const el = await mount(hostile);
    const code = control(el, 'Code');
    expect(code.hasAttribute('pattern')).to.equal(false);
    const started = performance.now();
    await type(el, code, `${'a'.repeat(40)}!`);
    expect(performance.now() - started).to.be.below(1_000);
    expect(message(el, code)).to.contain('its schema could freeze the page');
    expect(message(el, code)).to.contain(
      `#/properties/code/pattern: ${evil} nests a repeated group`,
    );
    expect(await submit(el)).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('puts a problem outside any field at the form, after submit', async () => {
    const el = await mount({
      type: 'object',
      properties: { a: { type: 'string', title: 'A' } },
      patternProperties: { '^(x|x)*$': { type: 'string' } },
    });
    await type(el, control(el, 'A'), 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx!');
    expect(message(el, control(el, 'A'))).to.equal('');
    expect(await submit(el)).to.equal(undefined);
    expect(text($(el, '.schema-form__error'))).to.contain('repeats alternatives');
  });

  it('keeps a safe pattern on the control and validates it as before', async () => {
    const el = await mount({
      type: 'object',
      properties: { code: { type: 'string', title: 'Code', pattern: '^[A-Z]{3}$' } },
    });
    expect(control(el, 'Code').getAttribute('pattern')).to.equal('^[A-Z]{3}$');
    await type(el, control(el, 'Code'), 'ABC');
    expect(await submit(el)).to.deep.equal({ code: 'ABC' });
  });

  it('refuses raw JSON nested deeper than a call may be, without recursing into it', async () => {
    const el = await mount({ type: 'object', properties: { tree: { title: 'Tree' } } });
    await click(el, $(el, '[part="mode-toggle"]'));
    const raw = control<HTMLTextAreaElement>(el, 'Arguments (JSON)');
    await type(el, raw, `{"tree":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(message(el, raw)).to.equal('This nests deeper than 63 levels, more than a call may.');
    expect(await submit(el)).to.equal(undefined);
    await type(el, raw, `{"tree":${'['.repeat(20)}${']'.repeat(20)}}`);
    expect(message(el, raw)).to.equal('');
  });
});
