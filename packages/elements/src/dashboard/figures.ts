import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  watchDeployment,
  type ConnectionState,
  type ConnectOptions,
  type DeploymentMetrics,
  type DeploymentWatch,
  type RealstreamClient,
  type RoomMetrics,
  type StatusReason,
} from '@realstream/client';
import { TrendHistory } from './model.js';
import { historySample } from './tiles-view.js';

/** Figures older than this (metrics come about once a second) are shown as stale. */
export const STALE_MS = 5000;

/**
 * A room's figures for the dashboard: listens to the client's `$metrics`, holds
 * `subscribeMetrics()` only while asked to (element connected, operator), keeps the bounded
 * history the tiles draw their trends from, and re-renders when the figures go stale.
 */
export class RoomFigures implements ReactiveController {
  metrics: RoomMetrics | null = null;
  receivedAt = 0;
  readonly history = new TrendHistory(60);
  private client: RealstreamClient | undefined;
  private offStore: (() => void) | undefined;
  private offSubscription: (() => void) | undefined;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly changed: (prev: RoomMetrics | null, next: RoomMetrics) => void,
  ) {
    host.addController(this);
  }

  get subscribed(): boolean {
    return !!this.offSubscription;
  }

  attach(client: RealstreamClient | undefined): void {
    if (client === this.client) return;
    this.stop();
    this.client = client;
    this.history.clear();
    this.metrics = null;
    const current = client?.$metrics.get() ?? null;
    if (current) this.receive(current);
    if (this.connected) this.listen();
  }

  /** Holds the server subscription while `want` (operator, element on the page), else drops it. */
  want(want: boolean): void {
    if (want && !this.offSubscription && this.client && this.connected) {
      this.offSubscription = this.client.subscribeMetrics();
    } else if (!want && this.offSubscription) {
      this.offSubscription();
      this.offSubscription = undefined;
    }
  }

  stale(now = Date.now()): boolean {
    return !!this.metrics && now - this.receivedAt > STALE_MS;
  }

  hostConnected(): void {
    this.connected = true;
    this.listen();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.stop();
  }

  private listen(): void {
    if (!this.client || this.offStore) return;
    this.offStore = this.client.$metrics.listen((m) => m && this.receive(m));
  }

  private stop(): void {
    this.offStore?.();
    this.offStore = undefined;
    this.want(false);
    clearTimeout(this.staleTimer);
  }

  private receive(m: RoomMetrics): void {
    const prev = this.metrics;
    if (prev === m) return;
    this.metrics = m;
    this.receivedAt = Date.now();
    if (m.at !== prev?.at) {
      for (const [key, value] of Object.entries(historySample(m))) this.history.push(key, value);
    }
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => this.host.requestUpdate(), STALE_MS + 50);
    this.changed(prev, m);
    this.host.requestUpdate();
  }
}

export interface DeploymentSpec {
  host?: string;
  token?: string;
  name?: string;
  getToken?: ConnectOptions['getToken'];
}

/**
 * The all-rooms view: a deployment source given to the element (stories, tests, an app that
 * already watches), or one it opens itself with watchDeployment() and closes when done.
 */
export class DeploymentFigures implements ReactiveController {
  metrics: DeploymentMetrics | null = null;
  status: { state: ConnectionState; reason?: StatusReason } = { state: 'connecting' };
  receivedAt = 0;
  private source: DeploymentWatch | undefined;
  private own = false;
  private ownKey = '';
  private offs: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly failed: (state: ConnectionState, reason: string) => void,
  ) {
    host.addController(this);
  }

  get active(): boolean {
    return !!this.source;
  }

  /** Shows `given`, or watches `spec.host` itself; `null` stops watching. */
  update(given: DeploymentWatch | undefined, spec: DeploymentSpec | null): void {
    if (!spec || (!given && !spec.host)) return this.use(undefined, false);
    if (given) return this.use(given, false);
    const key = [spec.host, spec.token, spec.name].join('\n');
    if (this.own && this.ownKey === key && this.source) return;
    this.ownKey = key;
    const { host, token, name, getToken } = spec;
    this.use(watchDeployment({ host: host!, token, name, getToken }), true);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.use(undefined, false);
  }

  private use(source: DeploymentWatch | undefined, own: boolean): void {
    if (source === this.source) return;
    for (const off of this.offs.splice(0)) off();
    if (this.own) this.source?.close();
    this.source = source;
    this.own = own;
    this.metrics = null;
    this.status = { state: 'connecting' };
    if (!source) {
      this.ownKey = '';
      this.host.requestUpdate();
      return;
    }
    this.offs = [
      source.$metrics.subscribe((m) => {
        this.metrics = m;
        if (m) this.receivedAt = Date.now();
        this.host.requestUpdate();
      }),
      source.$status.subscribe((status) => {
        const was = this.status.state;
        this.status = status;
        if (was !== status.state && ['unauthorised', 'forbidden'].includes(status.state)) {
          this.failed(status.state, status.reason?.message ?? '');
        }
        this.host.requestUpdate();
      }),
    ];
  }
}
