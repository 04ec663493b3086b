// Every visual state of <realstream-chat>, driven by a scripted in-memory client (no server):
// the catalogue, and the fixtures `npm test` opens in Chromium.
import { html, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../define.js';
import type { Theme } from '../internal/base.js';
import {
  ada,
  lin,
  me,
  msg,
  ScriptedClient,
  type ScriptedOptions,
} from '../stories/scripted-client.js';
import { reasons } from '../stories/reasons.js';
import type { ClientMessage } from '@realstream/client';
import type { ChatStrings } from './strings.js';

interface FrameOptions {
  theme?: Theme;
  dir?: 'ltr' | 'rtl';
  strings?: Partial<ChatStrings>;
  style?: Record<string, string>;
  dark?: boolean;
}

let current: ScriptedClient | undefined;

/** A fresh scripted client per render (the previous story's timers stop), in a room provider. */
function chat(
  client: ScriptedClient,
  { theme = 'light', dir, strings = {}, style = {}, dark }: FrameOptions = {},
): TemplateResult {
  current?.close();
  current = client;
  return html`<div class="story-frame ${dark ? 'story-frame--dark' : ''}" dir=${dir ?? 'ltr'}>
    <realstream-room .client=${client}>
      <realstream-chat
        theme=${theme}
        .strings=${strings}
        style=${styleMap(style)}
      ></realstream-chat>
    </realstream-room>
  </div>`;
}

const room = (name: string, opts: ScriptedOptions = {}) => new ScriptedClient(name, opts);

/** Markdown with every construct the renderer knows, as an assistant would write it. */
const MARKDOWN = `# Heading one
## Heading two
### Heading three
#### Heading four

A paragraph with **strong**, *emphasis*, ***both***, ~~strikethrough~~, \`inline code\`, a
[link](https://example.com "Example"), an autolink https://lit.dev, mail to <team@example.com>,
a hard line break\\
and escaped \\*asterisks\\*. Unsafe links stay text: [click](javascript:alert(1)).

> A blockquote, with **markup** inside.
>
> > And a nested one.

- An unordered list
- with a nested list
  - nested item
  - another
- [x] a task, done
- [ ] a task, open

1. An ordered list
2. second
3. third

\`\`\`ts
// A fenced code block with a language and a copy button.
export function add(a: number, b: number): number {
  return a + b;
}
\`\`\`

    an indented code block

| Left | Centre | Right |
| :--- | :----: | ----: |
| a    |   b    |     1 |
| \`c\`  | **d**  |    22 |

---

Raw HTML shows as text: <img src=x onerror=alert(1)> <b>not bold</b>

![An image becomes a link](https://example.com/cat.png)
`;

const conversation = () => [
  msg(ada, 'Morning! Can someone summarise how resume works after a dropped connection?'),
  msg(me, 'Asking the assistant. @assistant how does resume work?'),
  msg(
    'assistant',
    'The client remembers the last `seq` it applied and says `hello {since}` on reconnect. The server replays the events after it, or sends a **snapshot** when the ring no longer has them.',
  ),
  msg(
    lin,
    'Nice, and the outbox resends unacknowledged sends with the same id, so nothing doubles.',
  ),
];

const meta: Meta = {
  title: 'Elements/Chat',
  component: 'realstream-chat',
  parameters: { layout: 'fullscreen' },
};
export default meta;
type Story = StoryObj;

export const EmptyRoom: Story = {
  render: () => chat(room('empty-room', { presence: [me] })),
};

export const Conversation: Story = {
  render: () => chat(room('design-review', { messages: conversation(), presence: [me, ada, lin] })),
};

export const MarkdownEveryConstruct: Story = {
  name: 'Markdown (every construct)',
  render: () =>
    chat(
      room('markdown', {
        messages: [msg(me, 'Show me all the markdown you render.'), msg('assistant', MARKDOWN)],
      }),
    ),
};

export const StreamingReply: Story = {
  render: () => {
    const client = room('streaming', {
      messages: conversation(),
      presence: [me, ada],
      charsPerTick: 2,
    });
    const ask = msg(me, 'Write out every markdown construct, slowly.', { seq: 20 });
    client.$messages.set([...client.$messages.get(), ask]);
    client.after(200, () => client.reply(ask.id, MARKDOWN + '\n\n' + MARKDOWN));
    return chat(client);
  },
};

export const WatchedReply: Story = {
  name: 'Streaming reply others are watching',
  render: () => {
    const client = room('watched', { messages: conversation(), presence: [me, ada, lin] });
    const ask = msg(me, 'Walk us through resumable streams.', { seq: 20 });
    client.$messages.set([...client.$messages.get(), ask]);
    client.after(200, () => {
      const id = client.reply(ask.id, MARKDOWN, { hold: true });
      client.$watchers.set(new Map([[id, [me, ada, lin]]]));
    });
    return chat(client);
  },
};

/** What a reasoning model might think on its way to answering the resume question. */
const THOUGHT = `The user asks how resume works after a dropped connection.

Key points: the client keeps the last seq it applied; on reconnect it says hello with since=seq.
The server either replays the events after it from its ring, or, if the ring no longer holds
them, sends a snapshot. Sends are kept in an outbox with their ids until acknowledged, so a
resend is deduplicated.

Keep it short, and mention the snapshot case, since that is what people miss.`;

const ANSWER =
  'The client remembers the last `seq` it applied and sends `hello {since}` when it reconnects. The server replays what came after, or sends a **snapshot** when its ring no longer has it.';

/** A question and a reply that reasoned for `ms` before answering, finished. */
const reasoned = (ms: number, reasoning: Partial<NonNullable<ClientMessage['reasoning']>> = {}) => [
  msg(me, 'How does resume work after a dropped connection?'),
  msg('assistant', ANSWER, { reasoning: { text: THOUGHT, startedAt: 0, ms, ...reasoning } }),
];

/** Opens the newest reply's reasoning, as a reader clicking its summary would. */
function openReasoningLater(client: ScriptedClient, ms: number): void {
  client.after(ms, () => {
    const chat = document.querySelector('realstream-chat')?.shadowRoot;
    const summaries = chat?.querySelectorAll<HTMLElement>('summary[part="reasoning-summary"]');
    summaries?.[summaries.length - 1]?.click();
  });
}

export const ReasoningStreaming: Story = {
  name: 'Reasoning while streaming',
  render: () => {
    const client = room('reasoning-streaming', { messages: conversation(), charsPerTick: 2 });
    const ask = msg(me, 'Think it through: what does the server do on a resume?', { seq: 20 });
    client.$messages.set([...client.$messages.get(), ask]);
    client.after(200, () => client.replyAfterThought(ask.id, THOUGHT, ANSWER));
    return chat(client);
  },
};

export const ReasoningDone: Story = {
  name: 'Reasoning done (collapsed)',
  render: () =>
    chat(
      room('reasoning-done', {
        messages: [
          ...reasoned(12_000),
          msg(me, 'And a quick one: is seq per room?'),
          msg('assistant', 'Yes, per room.', {
            reasoning: { text: '', startedAt: 0, ms: 400, redacted: true },
          }),
        ],
      }),
    ),
};

export const ReasoningOpened: Story = {
  name: 'Reasoning opened',
  render: () => {
    // Opened while it reasons: it stays open as the reasoning grows and the answer begins.
    const client = room('reasoning-opened', { messages: reasoned(8_000), charsPerTick: 3 });
    const ask = msg(me, 'Think again, slowly.', { seq: 20 });
    client.$messages.set([...client.$messages.get(), ask]);
    client.after(100, () => client.replyAfterThought(ask.id, THOUGHT, ANSWER));
    openReasoningLater(client, 400);
    return chat(client);
  },
};

export const ReasoningWithheld: Story = {
  name: 'Reasoning withheld (shown to operators only)',
  render: () => {
    const client = room('reasoning-withheld', {
      messages: reasoned(9_000, { text: '', withheld: true }),
    });
    const ask = msg(me, 'One more?', { seq: 20 });
    const reply = msg('assistant', '', {
      seq: 21,
      status: 'streaming',
      replyTo: ask.id,
      reasoning: { text: '', startedAt: Date.now(), withheld: true },
    });
    client.$messages.set([...client.$messages.get(), ask, reply]);
    return chat(client);
  },
};

export const Operator: Story = {
  name: 'Operator (may clear the room)',
  render: () =>
    chat(
      room('operator', { messages: conversation(), presence: [ada, me], status: { user: ada } }),
    ),
};

export const Sending: Story = {
  render: () => {
    const client = room('sending', { messages: conversation(), sends: 'hang' });
    client.after(50, () => client.send('This one is on its way…'));
    return chat(client);
  },
};

export const FailedSendWithRetry: Story = {
  name: 'Failed send with retry',
  render: () => {
    const client = room('failed-send', { messages: conversation(), sends: 'refuse' });
    client.after(50, () => client.send('A message the server refused').catch(() => {}));
    return chat(client);
  },
};

export const Stopped: Story = {
  render: () =>
    chat(
      room('stopped', {
        messages: [
          msg(me, 'Write a long essay on backpressure.'),
          msg(
            'assistant',
            'Backpressure is what a consumer applies when a producer is faster than it. In a',
            {
              status: 'stopped',
            },
          ),
        ],
      }),
    ),
};

export const Interrupted: Story = {
  render: () =>
    chat(
      room('interrupted', {
        messages: [
          msg(me, 'Explain durable objects.'),
          msg(
            'assistant',
            'A Durable Object is a single-threaded actor with its own storage. Every room',
            {
              status: 'interrupted',
            },
          ),
        ],
      }),
    ),
};

export const ErrorReply: Story = {
  render: () =>
    chat(
      room('error-reply', {
        messages: [
          msg(me, 'Summarise the incident report.'),
          msg('assistant', '', {
            status: 'failed',
            error: {
              code: 'responder_failed',
              message: 'The model provider timed out after 3 attempts.',
            },
          }),
        ],
      }),
    ),
};

export const Connecting: Story = {
  render: () =>
    chat(room('connecting', { status: { state: 'connecting', attempt: 1, user: undefined } })),
};

export const Reconnecting: Story = {
  name: 'Reconnecting (attempt 3)',
  render: () =>
    chat(
      room('reconnecting', {
        messages: conversation(),
        status: { state: 'reconnecting', attempt: 3 },
      }),
    ),
};

export const Reconnected: Story = {
  name: 'Reconnected, missed events caught up',
  render: () => {
    const client = room('resumed', { messages: conversation() });
    // The element must see the link drop and come back; it says how it caught up for 5 s.
    const cycle = () => {
      client.status({ state: 'reconnecting', attempt: 1 });
      client.after(300, () => {
        client.emit({ type: 'resumed', mode: 'replay', missed: 37 });
        client.status({ state: 'live', attempt: 0, resumes: client.$status.get().resumes + 1 });
      });
      client.after(6000, cycle);
    };
    client.after(100, cycle);
    return chat(client);
  },
};

// Failures, each with the reason the client makes of the server's real close (stories/reasons.ts):
// the pill says what is wrong and what happens next, never "Connecting…" forever.

export const Offline: Story = {
  name: 'Offline (server misconfigured)',
  render: () =>
    chat(
      room('offline', {
        messages: conversation(),
        status: { state: 'offline', attempt: 0, reason: reasons.misconfigured },
      }),
    ),
};

export const Unreachable: Story = {
  name: 'Unreachable host (still retrying)',
  render: () =>
    chat(
      room('unreachable', {
        status: { state: 'connecting', attempt: 4, reason: reasons.unreachable },
      }),
    ),
};

export const RoomFull: Story = {
  name: 'Room full (retrying)',
  render: () =>
    chat(room('full', { status: { state: 'connecting', attempt: 2, reason: reasons.roomFull } })),
};

export const Unauthorised: Story = {
  name: 'Unauthorised: token expired (getToken asked again)',
  render: () =>
    chat(
      room('unauthorised', {
        status: { state: 'unauthorised', reason: reasons.tokenExpiredGetToken, user: undefined },
      }),
    ),
};

export const TokenRenewing: Story = {
  name: 'Token expired, asking getToken',
  render: () =>
    chat(
      room('renewing', {
        messages: conversation(),
        status: { state: 'reconnecting', attempt: 1, reason: reasons.tokenExpiredRenewing },
      }),
    ),
};

export const BadToken: Story = {
  name: 'Unauthorised: bad signature (static token)',
  render: () =>
    chat(
      room('bad-token', {
        status: { state: 'unauthorised', reason: reasons.tokenBadSignature, user: undefined },
      }),
    ),
};

export const MalformedToken: Story = {
  name: 'Unauthorised: malformed token',
  render: () =>
    chat(
      room('malformed-token', {
        status: { state: 'unauthorised', reason: reasons.tokenMalformed, user: undefined },
      }),
    ),
};

export const ProtocolMismatch: Story = {
  render: () =>
    chat(
      room('protocol', {
        status: { state: 'offline', attempt: 0, reason: reasons.protocolMismatch },
      }),
    ),
};

export const OriginRefused: Story = {
  name: 'Origin refused',
  render: () =>
    chat(
      room('origin', {
        status: { state: 'forbidden', attempt: 0, reason: reasons.originRefused, user: undefined },
      }),
    ),
};

export const StalledStream: Story = {
  render: () => {
    const client = room('stalled', { messages: conversation(), charsPerTick: 3 });
    client.after(50, () =>
      client.reply(undefined, 'A reply that stops arriving halfway through its first sen', {
        hold: true,
      }),
    );
    // The watchdog saw no frame for 1.5 s during a stream: "stalled" while its probe is out...
    client.after(250, () => client.status({ state: 'stalled' }));
    // ...and no answer 2.5 s later: it declares the link dead and reconnects.
    client.after(2750, () => {
      client.emit({
        type: 'dead-link',
        reason: 'stream stalled (1500 ms without a frame)',
        during: 'stream',
      });
      client.status({ state: 'reconnecting', attempt: 1 });
    });
    return chat(client);
  },
};

export const StallChecking: Story = {
  name: 'Stalled stream, checking the link',
  render: () => {
    const client = room('stall-checking', { messages: conversation(), charsPerTick: 3 });
    client.after(50, () =>
      client.reply(undefined, 'A reply whose link went quiet for a moment', { hold: true }),
    );
    // Still connected, a probe is out: the pill says so and stays there (no verdict yet).
    client.after(250, () => client.status({ state: 'stalled' }));
    return chat(client);
  },
};

export const LinkLost: Story = {
  name: 'Idle link lost (missed heartbeat)',
  render: () => {
    const client = room('link-lost', { messages: conversation() });
    // Nothing was streaming: a missed pong is a lost connection, never a "stalled stream".
    client.after(100, () => {
      client.emit({ type: 'dead-link', reason: 'no pong within 5000 ms', during: 'idle' });
      client.status({ state: 'reconnecting', attempt: 1 });
    });
    return chat(client);
  },
};

export const DeviceOffline: Story = {
  name: 'Device offline (no network)',
  render: () =>
    chat(
      room('device-offline', {
        messages: conversation(),
        status: { state: 'device-offline', attempt: 2 },
      }),
    ),
};

export const Viewer: Story = {
  name: 'Viewer (composer disabled)',
  render: () =>
    chat(
      room('viewer', {
        messages: conversation(),
        status: { user: { id: 'u-vic', name: 'Vic', role: 'viewer' } },
      }),
    ),
};

export const LongHistory: Story = {
  render: () => {
    const page = (from: number) =>
      Array.from({ length: 20 }, (_, i) =>
        msg(
          i % 3 === 2 ? 'assistant' : i % 2 ? ada : lin,
          `Message ${from + i}: ${i % 4 === 0 ? 'a longer note with `code` and **emphasis**, wrapping over more than one line in a narrow column' : 'short one'}`,
        ),
      );
    const older = [page(1), page(21)].reverse();
    const latest = page(41);
    return chat(
      room('long-history', { messages: latest, olderPages: older, presence: [me, ada, lin] }),
    );
  },
};

export const DarkTheme: Story = {
  render: () =>
    chat(
      room('dark', {
        messages: [...conversation(), msg('assistant', MARKDOWN)],
        presence: [me, ada],
      }),
      {
        theme: 'dark',
        dark: true,
      },
    ),
};

export const RightToLeft: Story = {
  name: 'RTL',
  render: () =>
    chat(
      room('rtl', {
        messages: [
          msg(ada, 'مرحبا! هل يمكن لأحد تلخيص كيفية الاستئناف؟'),
          msg(me, 'بالتأكيد، سأسأل المساعد.'),
          msg(
            'assistant',
            'يتذكر العميل آخر **رقم تسلسلي** طبّقه، ويطلب الأحداث التي بعده عند إعادة الاتصال.',
          ),
        ],
        presence: [me, ada],
      }),
      { dir: 'rtl' },
    ),
};

export const CustomStrings: Story = {
  name: 'Custom strings (French)',
  render: () =>
    chat(room('salon', { messages: conversation(), typing: [ada], presence: [me, ada, lin] }), {
      strings: {
        roomTitle: (r) => `Salon ${r}`,
        here: (n) => `${n} présents`,
        live: 'En direct',
        typing: (names) => `${names.join(', ')} écrit…`,
        you: 'Vous',
        assistant: 'Assistant',
        placeholder: 'Écrire au salon…',
        keyboardHint: 'Entrée pour envoyer · Maj+Entrée pour une nouvelle ligne',
        send: 'Envoyer',
      },
    }),
};

export const CustomTokens: Story = {
  name: 'Custom tokens',
  render: () =>
    chat(room('tokens', { messages: conversation(), presence: [me, ada] }), {
      style: {
        '--rs-color-accent': '#0f766e',
        '--rs-color-accent-2': '#c2410c',
        '--rs-radius-lg': '2px',
        '--rs-radius-md': '2px',
        '--bubble-radius': '4px',
        '--rs-font-sans': 'Georgia, serif',
        '--bubble-background': '#0f766e',
        '--max-width': '560px',
      },
    }),
};
