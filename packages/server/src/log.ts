import type { LogLevel } from './config.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

/** Repeats of one kind of line are summarised over this window instead of logged one by one. */
export const REPEAT_WINDOW_MS = 10_000;

/**
 * Each level to its console method: `wrangler dev --log-level warn` drops a worker's console.log,
 * and a platform's log view filters by the method, so a warning must leave as one.
 */
function toConsole(line: string, level: LogLevel): void {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** Structured JSON logs, one object per line, with the fields of its context on every line. */
export class Logger {
  /** Per kind of repeated line: when its window opened and how many were held back in it. */
  private readonly repeats = new Map<string, { since: number; held: number }>();

  constructor(
    private readonly level: LogLevel,
    private readonly context: Fields = {},
    private readonly sink: (line: string, level: LogLevel) => void = toConsole,
  ) {}

  child(fields: Fields): Logger {
    return new Logger(this.level, { ...this.context, ...fields }, this.sink);
  }

  debug(msg: string, fields?: Fields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Fields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Fields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Fields): void {
    this.write('error', msg, fields);
  }

  /**
   * A warning that a misbehaving peer can cause at will (a flood, a refused frame): the first of a
   * kind in each window is logged, later ones are only counted and reported, as `repeated`, with
   * the first line of the next window. A flood then costs a few lines a minute, not one a frame
   * (one flood used to write 745 MB of log). No timer: a room that goes quiet keeps no count alive.
   */
  warnRepeated(kind: string, msg: string, fields?: Fields, now = Date.now()): void {
    this.repeated('warn', kind, msg, fields, now);
  }

  /** An error every request repeats until an operator acts (a misconfigured deployment): summarised the same way. */
  errorRepeated(kind: string, msg: string, fields?: Fields, now = Date.now()): void {
    this.repeated('error', kind, msg, fields, now);
  }

  private repeated(
    level: LogLevel,
    kind: string,
    msg: string,
    fields: Fields | undefined,
    now: number,
  ): void {
    const seen = this.repeats.get(kind);
    if (seen && now - seen.since < REPEAT_WINDOW_MS) {
      seen.held++;
      return;
    }
    if (this.repeats.size > 1000) this.repeats.clear();
    this.repeats.set(kind, { since: now, held: 0 });
    this.write(level, msg, seen?.held ? { ...fields, repeated: seen.held } : fields);
  }

  private write(level: LogLevel, msg: string, fields?: Fields): void {
    if (ORDER[level] < ORDER[this.level]) return;
    this.sink(
      JSON.stringify({ t: new Date().toISOString(), level, msg, ...this.context, ...fields }),
      level,
    );
  }
}
