export interface DashboardScopeDetail {
  /** What the dashboard shows now: one room, or every room of the deployment. */
  scope: 'room' | 'deployment';
}

/** The user switched the dashboard between "This room" and "All rooms" (or opened a room). */
export class RealstreamDashboardScopeEvent extends CustomEvent<DashboardScopeDetail> {
  constructor(detail: DashboardScopeDetail) {
    super('realstream-dashboard-scope', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-dashboard-scope': RealstreamDashboardScopeEvent;
  }
}
