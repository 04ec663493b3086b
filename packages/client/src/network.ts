/**
 * What the browser knows about the network and the page, which the socket cannot tell in time:
 * `offline` comes at once when the device loses its network (TCP would take minutes), `online` when
 * it is back (no reason to wait out a reconnect backoff), and a page coming back into view may have
 * slept with its socket. In node none of these exist and nothing is watched.
 */
export interface NetworkHooks {
  offline(): void;
  online(): void;
  /** The page became visible again. */
  visible(): void;
}

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** Whether the device says it has a network; true where nobody says (node). */
export function deviceOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine !== false;
}

/** Watches the window's online/offline and the document's visibility; returns the unwatch. */
export function watchNetwork(hooks: NetworkHooks): () => void {
  const win = globalThis as unknown as Partial<EventSource> & {
    document?: Partial<EventSource> & { visibilityState?: string };
  };
  const { addEventListener: add, removeEventListener: remove } = win;
  if (typeof add !== 'function' || typeof remove !== 'function') return () => {};
  const doc = win.document;
  const offline = () => hooks.offline();
  const online = () => hooks.online();
  const visibility = () => {
    if (doc?.visibilityState === 'visible') hooks.visible();
  };
  add.call(win, 'offline', offline);
  add.call(win, 'online', online);
  doc?.addEventListener?.('visibilitychange', visibility);
  // Removed through the functions added with: the global may have changed since.
  return () => {
    remove.call(win, 'offline', offline);
    remove.call(win, 'online', online);
    doc?.removeEventListener?.('visibilitychange', visibility);
  };
}
