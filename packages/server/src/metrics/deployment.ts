import type { DeploymentMetrics, RoomSummary } from '@realstream/protocol';

/** A room that has not reported for this long is idle and leaves the deployment view. */
export const IDLE_AFTER_MS = 30_000;
/** Most rooms kept (the busiest by connections, then the latest). */
const MAX_ROOMS = 500;

/** The ops party's state: the latest report of every active room. Plain logic, tested directly. */
export class Deployment {
  private readonly rooms = new Map<string, RoomSummary>();

  report(summary: RoomSummary): void {
    this.rooms.set(`${summary.party}/${summary.room}`, summary);
    if (this.rooms.size > MAX_ROOMS) {
      const oldest = [...this.rooms.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      this.rooms.delete(oldest[0]);
    }
  }

  /** A room said it went idle (its last connection left and nothing is running). */
  gone(party: string, room: string): void {
    this.rooms.delete(`${party}/${room}`);
  }

  metrics(now = Date.now()): DeploymentMetrics {
    for (const [key, r] of this.rooms) if (now - r.at > IDLE_AFTER_MS) this.rooms.delete(key);
    const rooms = [...this.rooms.values()].sort(
      (a, b) => b.connections - a.connections || a.room.localeCompare(b.room),
    );
    return { at: now, rooms };
  }
}
