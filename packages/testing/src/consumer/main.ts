// A consumer's TypeScript over the packed packages: each package's public surface, typed.
import {
  connect,
  RealstreamError,
  type ClientMessage,
  type RealstreamClient,
} from '@realstream/client';
import { parseServerFrame, PROTOCOL_VERSION, type ServerFrame } from '@realstream/protocol';
import {
  RealstreamChat,
  RealstreamDashboard,
  RealstreamRoom,
  RealstreamTools,
  defaultChatStrings,
  type ChatStrings,
  type Theme,
} from '@realstream/elements';
import '@realstream/elements/define';

const client: RealstreamClient = connect({ host: 'localhost:1999', room: 'lobby', name: 'Ada' });
client.$messages.subscribe((messages: readonly ClientMessage[]) => {
  const first = messages[0];
  // noUncheckedIndexedAccess: the first message may be missing.
  if (first) console.log(first.id);
});

const parsed = parseServerFrame('{"type":"pong"}');
const frame: ServerFrame | undefined = parsed.ok ? parsed.value : undefined;
console.log(frame, PROTOCOL_VERSION, RealstreamError.name);

// The define entry types document.createElement and the tag's events.
const chat: RealstreamChat = document.createElement('realstream-chat');
const theme: Theme = 'dark';
chat.theme = theme;
const strings: Partial<ChatStrings> = { ...defaultChatStrings };
chat.strings = strings;
chat.addEventListener('realstream-message-send', (event) => {
  const text: string = event.detail.text;
  console.log(text);
});
const room: RealstreamRoom = document.createElement('realstream-room');
const tools: RealstreamTools = document.createElement('realstream-tools');
const dashboard: RealstreamDashboard = document.createElement('realstream-dashboard');
room.append(chat, tools, dashboard);
document.body.append(room);
