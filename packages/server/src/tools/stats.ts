/** Outcome counts and latency per tool since the room started: what the metrics read. */
export interface ToolStat {
  calls: number;
  done: number;
  errors: number;
  timeouts: number;
  cancelled: number;
  denied: number;
  totalMs: number;
  maxMs: number;
  /** Durations of the latest calls (bounded), for percentiles. */
  recentMs: number[];
}

const RECENT = 1000;

export class ToolStats {
  private readonly byTool = new Map<string, ToolStat>();

  record(
    name: string,
    status: 'done' | 'error' | 'timeout' | 'cancelled' | 'denied',
    durationMs: number,
  ): void {
    let s = this.byTool.get(name);
    if (!s) {
      s = {
        calls: 0,
        done: 0,
        errors: 0,
        timeouts: 0,
        cancelled: 0,
        denied: 0,
        totalMs: 0,
        maxMs: 0,
        recentMs: [],
      };
      this.byTool.set(name, s);
    }
    s.calls++;
    if (status === 'done') s.done++;
    else if (status === 'error') s.errors++;
    else if (status === 'timeout') s.timeouts++;
    else if (status === 'cancelled') s.cancelled++;
    else s.denied++;
    s.totalMs += durationMs;
    s.maxMs = Math.max(s.maxMs, durationMs);
    s.recentMs.push(durationMs);
    if (s.recentMs.length > RECENT) s.recentMs.shift();
  }

  get(name: string): ToolStat | undefined {
    return this.byTool.get(name);
  }

  all(): Map<string, ToolStat> {
    return this.byTool;
  }
}
