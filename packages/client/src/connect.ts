import { Client } from './client.js';
import type { ConnectOptions, RealstreamClient } from './types.js';
import { parseEndpoint } from './url.js';

interface Shared {
  client: Client;
  handles: number;
}

/** One client per (host, party, room, identity): the elements of a page share one socket. */
const shared = new Map<string, Shared>();
/** getToken functions are identities by reference; number them for the key. */
const tokenFns = new WeakMap<object, number>();
let nextFn = 0;

function identityOf(o: ConnectOptions): string {
  if (o.token) return `token:${o.token}`;
  if (o.getToken) {
    let n = tokenFns.get(o.getToken);
    if (n === undefined) tokenFns.set(o.getToken, (n = ++nextFn));
    return `getToken#${n}`;
  }
  // Guests: the name is who they are; an explicit uid makes two same-named guests distinct.
  return `guest:${o.name ?? ''}:${o.uid ?? ''}`;
}

/** The key two connect() calls must share to get the same client. */
export function clientKey(o: ConnectOptions): string {
  const { host, secure } = parseEndpoint(o.host);
  const origin = `${secure ? 'https' : 'http'}://${host.toLowerCase()}`;
  return JSON.stringify([origin, o.party ?? 'main', o.room, identityOf(o)]);
}

/**
 * Connects to a room, or joins the client already connected to it with the same identity.
 * Each call returns its own handle: `close()` on a handle releases only that handle, and the
 * socket closes when the last one is released. The first call's options (timeouts, WebSocket)
 * configure the shared client.
 */
export function connect(options: ConnectOptions): RealstreamClient {
  const key = clientKey(options);
  let entry = shared.get(key);
  if (!entry) {
    entry = { client: new Client(options), handles: 0 };
    shared.set(key, entry);
  }
  entry.handles++;
  return handle(key, entry);
}

function handle(key: string, entry: Shared): RealstreamClient {
  const { client } = entry;
  let released = false;
  return {
    host: client.host,
    party: client.party,
    room: client.room,
    $status: client.$status,
    $messages: client.$messages,
    $presence: client.$presence,
    $typing: client.$typing,
    $watchers: client.$watchers,
    $settings: client.$settings,
    $tools: client.$tools,
    $calls: client.$calls,
    $mcpServers: client.$mcpServers,
    $metrics: client.$metrics,
    $events: client.$events,
    get stats() {
      return client.stats;
    },
    send: (text, opts) => client.send(text, opts),
    stop: (messageId) => client.stop(messageId),
    retry: (messageId) => client.retry(messageId),
    retryReply: (messageId) => client.retryReply(messageId),
    clearRoom: () => client.clearRoom(),
    configure: (settings) => client.configure(settings),
    watch: (messageId) => client.watch(messageId),
    invokeTool: (name, args) => client.invokeTool(name, args),
    waitForCall: (callId) => client.waitForCall(callId),
    cancelTool: (callId) => client.cancelTool(callId),
    toggleTool: (name, enabled) => client.toggleTool(name, enabled),
    decideTool: (callId, approve) => client.decideTool(callId, approve),
    addMcpServer: (server) => client.addMcpServer(server),
    removeMcpServer: (name) => client.removeMcpServer(name),
    reconnectMcpServer: (name) => client.reconnectMcpServer(name),
    approveMcpTools: (tools) => client.approveMcpTools(tools),
    registerTool: (spec, handler) => client.registerTool(spec, handler),
    subscribeMetrics: () => client.subscribeMetrics(),
    subscribeTap: (filter, listener) => client.subscribeTap(filter, listener),
    discard: (messageId) => client.discard(messageId),
    typing: (isTyping) => client.typing(isTyping),
    loadOlder: () => client.loadOlder(),
    reconnect: () => client.reconnect(),
    transcript: () => client.transcript(),
    close() {
      if (released) return;
      released = true;
      if (--entry.handles > 0) return;
      if (shared.get(key) === entry) shared.delete(key);
      client.close();
    },
  };
}
