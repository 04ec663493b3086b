import type { DeploymentMetrics, RoomSummary } from '@realstream/protocol';

/** A room that has not reported for this long is idle and leaves the deployment view. */
export const IDLE_AFTER_MS = 30_000;
/**
 * A room whose clients are all idle says so and stops reporting (so that it may hibernate); it
 * reports again on its next frame, or every RESTING_REPORT_MS (room-host.ts) while it rests.
 */
export const RESTING_FOR_MS = 11 * 60_000;
/** Most rooms kept (the busiest by connections, then the latest). */
const MAX_ROOMS = 500;

/** The ops party's state: the latest report of every active room. Plain logic, tested directly. */
export class Deployment {
  private readonly rooms = new Map<string, RoomSummary>();
  /** Rooms whose last report said they rest (connected, idle), until when they are kept. */
  private readonly resting = new Map<string, number>();

  report(summary: RoomSummary, resting = false): void {
    const key = `${summary.party}/${summary.room}`;
    this.rooms.set(key, summary);
    if (resting) this.resting.set(key, summary.at + RESTING_FOR_MS);
    else this.resting.delete(key);
    if (this.rooms.size > MAX_ROOMS) {
      const oldest = [...this.rooms.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      this.rooms.delete(oldest[0]);
      this.resting.delete(oldest[0]);
    }
  }

  /** A room said it went idle (its last connection left and nothing is running). */
  gone(party: string, room: string): void {
    this.rooms.delete(`${party}/${room}`);
    this.resting.delete(`${party}/${room}`);
  }

  metrics(now = Date.now()): DeploymentMetrics {
    for (const [key, r] of this.rooms) {
      const keep = this.resting.get(key) ?? r.at + IDLE_AFTER_MS;
      if (now > keep) this.gone(r.party, r.room);
    }
    const rooms = [...this.rooms.values()].sort(
      (a, b) => b.connections - a.connections || a.room.localeCompare(b.room),
    );
    return { at: now, rooms };
  }
}
