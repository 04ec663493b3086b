/**
 * <realstream-chat> fed by a scripted in-page client: nanostores atoms shaped like the real
 * client's, one streaming assistant message that grows by one token per push.
 */
import { atom } from 'nanostores';
import { ContextProvider } from '@lit/context';
import type {
  ClientEvent,
  ClientMessage,
  ClientStatus,
  RealstreamClient,
  Tool,
  ToolCall,
  User,
} from '@realstream/client';
import { clientContext } from '@realstream/elements';
import '@realstream/elements/chat/define';
import { install } from './page-common.js';

const me: User = { id: 'u1', name: 'Bench User', role: 'member' };
const now = Date.now();
const question: ClientMessage = {
  id: 'm1',
  seq: 1,
  author: { kind: 'user', id: me.id, name: me.name, role: 'member' },
  text: 'Write me a long report.',
  status: 'complete',
  createdAt: now,
  updatedAt: now,
};
let reply: ClientMessage = {
  id: 'm2',
  seq: 2,
  author: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
  text: '',
  status: 'streaming',
  createdAt: now,
  updatedAt: now,
  replyTo: 'm1',
};

const $messages = atom<readonly ClientMessage[]>([question]);
const status: ClientStatus = {
  state: 'live',
  attempt: 0,
  lastSeq: 2,
  resumes: 0,
  snapshots: 0,
  devMode: false,
  user: me,
  connectionId: 'c1',
};
const never = () => Promise.reject(new Error('not in the benchmark'));
const client: RealstreamClient = {
  host: 'bench.invalid',
  party: 'main',
  room: 'bench',
  $status: atom(status),
  $messages,
  $presence: atom<readonly User[]>([me]),
  $typing: atom<readonly User[]>([]),
  $watchers: atom<ReadonlyMap<string, readonly User[]>>(new Map()),
  $settings: atom(null),
  $tools: atom<readonly Tool[]>([]),
  $calls: atom<readonly ToolCall[]>([]),
  $mcpServers: atom([]),
  $metrics: atom(null),
  $events: atom<ClientEvent | null>(null),
  stats: {
    connects: 1,
    resumes: 0,
    snapshots: 0,
    gaps: 0,
    deadLinks: 0,
    resent: 0,
    invalidFrames: 0,
  },
  send: never,
  stop: never,
  retry: never,
  retryReply: never,
  clearRoom: never,
  configure: never,
  watch: () => {},
  invokeTool: never,
  waitForCall: never,
  cancelTool: never,
  toggleTool: never,
  decideTool: never,
  addMcpServer: never,
  removeMcpServer: never,
  reconnectMcpServer: never,
  approveMcpTools: never,
  registerTool: () => () => {},
  subscribeMetrics: () => () => {},
  subscribeTap: () => () => {},
  discard: () => {},
  typing: () => {},
  loadOlder: () => Promise.resolve(false),
  reconnect: () => {},
  transcript: () => $messages.get().map(({ local: _local, ...m }) => m),
  close: () => {},
};

/** Replaces the reply in the list, as the real client does on a delta (new array, new object). */
function setReply(next: ClientMessage): void {
  reply = next;
  $messages.set([question, reply]);
}

install({
  async setup() {
    // <realstream-room> has no `client` property (yet): provide the client through the same
    // context the room uses, from a plain wrapper element.
    const host = document.createElement('div');
    new ContextProvider(host, { context: clientContext, initialValue: client });
    const chat = document.createElement('realstream-chat');
    chat.style.cssText = 'display:block;width:760px;height:860px';
    host.append(chat);
    document.body.append(host);
    setReply({ ...reply, seq: 2 });
    await chat.updateComplete;
  },
  push(token) {
    setReply({ ...reply, text: reply.text + token, updatedAt: Date.now() });
  },
  end() {
    setReply({ ...reply, status: 'complete', updatedAt: Date.now() });
  },
  renderedText() {
    const chat = document.querySelector('realstream-chat');
    const body = chat?.shadowRoot?.querySelector('article[data-state="complete"] .message__body');
    return body?.textContent ?? null;
  },
});
