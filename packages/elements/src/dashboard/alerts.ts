import type { RoomMetrics } from '@realstream/client';
import { Announcer } from '../internal/announcer.js';
import { errorsOf } from './model.js';
import type { DashboardStrings } from './strings.js';

/** "Errors rising" is said at most this often. */
const GAP_MS = 30_000;

/**
 * What the dashboard says through its one live region: only alerts (the link lost and back, errors
 * rising), never every figure, which would drown a screen reader once a second.
 */
export class DashboardAlerts extends Announcer {
  private lost = false;
  private lastErrors = 0;

  /** The room link went from `from` to `to`; worth saying only when figures were on screen. */
  link(from: string, to: string, hadFigures: boolean, s: DashboardStrings): void {
    if (from === 'live' && to !== 'live' && hadFigures) {
      this.lost = true;
      this.say(s.alertLinkLost);
    } else if (to === 'live' && this.lost) {
      this.lost = false;
      this.say(s.alertLinkBack);
    }
  }

  /** New figures: errors of the last minute grew and the latest bucket has some. */
  figures(prev: RoomMetrics | null, next: RoomMetrics, s: DashboardStrings): void {
    const errors = errorsOf(next.lastMinute);
    const rising =
      prev && errors > errorsOf(prev.lastMinute) && (next.series.at(-1)?.errors ?? 0) > 0;
    if (rising && Date.now() - this.lastErrors > GAP_MS) {
      this.lastErrors = Date.now();
      this.say(s.alertErrors(errors));
    }
  }
}
