import { atom, type ReadableAtom } from 'nanostores';
import type { DeploymentMetrics } from '@realstream/protocol';
import { parseServerFrame } from '@realstream/protocol/validate';
import { Link } from './link.js';
import { withDefaults } from './options.js';
import { CLIENT_CLOSED, describeClose, type StatusReason } from './status-reason.js';
import type { ConnectOptions, ConnectionState } from './types.js';
import { parseEndpoint, roomSocketUrl } from './url.js';

/** The party every room of a deployment reports to, and its one room. */
export const OPS_PARTY = 'ops';
export const OPS_ROOM = 'deployment';

export interface DeploymentWatch {
  /** Every active room of the deployment, about once a second; null until the first report. */
  readonly $metrics: ReadableAtom<DeploymentMetrics | null>;
  readonly $status: ReadableAtom<{ state: ConnectionState; reason?: StatusReason }>;
  close(): void;
}

/**
 * Watches the whole deployment through the ops party (operators only): rooms appear as they become
 * active and drop out when idle. Takes the same host, token and WebSocket options as `connect()`.
 */
export function watchDeployment(
  options: Pick<ConnectOptions, 'host' | 'token' | 'getToken' | 'name' | 'WebSocket'> &
    Partial<ConnectOptions>,
): DeploymentWatch {
  const opts = withDefaults({ room: OPS_ROOM, ...options });
  const $metrics = atom<DeploymentMetrics | null>(null);
  const $status = atom<{ state: ConnectionState; reason?: StatusReason }>({ state: 'connecting' });
  let live = false;
  /** Attempts since the last deployment report, and whether this attempt's socket opened. */
  let attempts = 0;
  let opened = false;
  const endpoint = parseEndpoint(options.host);
  const link = new Link(
    {
      endpoint,
      party: OPS_PARTY,
      room: OPS_ROOM,
      params: async () => {
        attempts++;
        opened = false;
        return {
          token: (await (options.getToken ? options.getToken() : options.token)) ?? undefined,
          name: options.name,
        };
      },
      WebSocket: opts.WebSocket,
      minDelayMs: opts.minReconnectDelayMs,
      maxDelayMs: opts.maxReconnectDelayMs,
      connectionTimeoutMs: opts.connectionTimeoutMs,
    },
    {
      open: () => {
        live = true;
        opened = true;
      },
      message: (data) => {
        const parsed = parseServerFrame(String(data));
        if (!parsed.ok) return;
        const frame = parsed.value;
        if (frame.type === 'deployment') {
          $metrics.set(frame.metrics);
          attempts = 0;
          if ($status.get().state !== 'live') $status.set({ state: 'live' });
        }
      },
      close: ({ code, reason, final, backoffMs }) => {
        live = false;
        const tokens = options.getToken ? 'getToken' : options.token ? 'static' : 'none';
        const url = roomSocketUrl(endpoint, OPS_PARTY, OPS_ROOM);
        const why = describeClose({
          code,
          reason,
          final,
          backoffMs,
          opened,
          attempts,
          url,
          tokens,
        });
        if (final) {
          const state = code === 4401 ? 'unauthorised' : code === 4403 ? 'forbidden' : 'offline';
          $status.set({ state, reason: why });
        } else $status.set({ state: 'reconnecting', reason: why });
      },
    },
  );
  return {
    $metrics,
    $status,
    close() {
      link.close();
      if (live) live = false;
      $status.set({ state: 'offline', reason: CLIENT_CLOSED });
    },
  };
}
