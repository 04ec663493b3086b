import type { LogLevel } from './config.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

/** Structured JSON logs, one object per line, with the fields of its context on every line. */
export class Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly context: Fields = {},
    private readonly sink: (line: string) => void = (line) => console.log(line),
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

  private write(level: LogLevel, msg: string, fields?: Fields): void {
    if (ORDER[level] < ORDER[this.level]) return;
    this.sink(
      JSON.stringify({ t: new Date().toISOString(), level, msg, ...this.context, ...fields }),
    );
  }
}
