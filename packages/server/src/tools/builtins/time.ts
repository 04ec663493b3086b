/**
 * `time.now`: the current time, in UTC and in a time zone. Models do not know what time it is, and
 * a room's people sit in different zones. Only Intl is used, which workerd ships with full ICU data.
 */
import { ToolFailure, type ServerTool } from '../types.js';

const PART_TYPES = ['year', 'month', 'day', 'hour', 'minute', 'second', 'weekday'] as const;
type Parts = Record<(typeof PART_TYPES)[number], string>;

function formatter(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23: with `hour12: false` some ICU versions print midnight as "24".
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'long',
    });
  } catch {
    throw new ToolFailure(
      'invalid_argument',
      `unknown time zone "${timeZone}": use an IANA name such as "Europe/Paris"`,
      { timeZone },
    );
  }
}

function partsOf(format: Intl.DateTimeFormat, epochMs: number): Parts {
  const parts = {} as Parts;
  for (const p of format.formatToParts(epochMs)) {
    if ((PART_TYPES as readonly string[]).includes(p.type)) parts[p.type as keyof Parts] = p.value;
  }
  return parts;
}

/** "+05:30", "-03:00", "+00:00": the zone's wall clock minus UTC, in minutes, formatted. */
function offsetOf(parts: Parts, epochMs: number): string {
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const minutes = Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export interface TimeNow {
  iso: string;
  epochMs: number;
  timeZone: string;
  local: string;
  weekday: string;
  utcOffset: string;
}

/** The tool; `now` is injectable so tests can pin the clock. */
export function timeNowTool(now: () => number = () => Date.now()): ServerTool {
  return {
    name: 'time.now',
    title: 'Current time',
    description:
      'Returns the current date and time: UTC (ISO 8601), and the wall-clock time, weekday and UTC ' +
      'offset in a time zone (IANA name, default UTC). Use it whenever an answer depends on today’s ' +
      'date or the time somewhere.',
    inputSchema: {
      type: 'object',
      properties: {
        timeZone: {
          type: 'string',
          description: 'IANA time zone name, e.g. "Europe/Paris", "America/New_York".',
          default: 'UTC',
          minLength: 1,
          maxLength: 64,
        },
      },
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        iso: {
          type: 'string',
          description: 'UTC time, ISO 8601, e.g. "2026-11-25T15:04:05.000Z".',
        },
        epochMs: { type: 'integer', description: 'Milliseconds since 1970-01-01T00:00:00Z.' },
        timeZone: { type: 'string', description: 'The time zone the local fields are in.' },
        local: { type: 'string', description: 'Wall-clock time there, "YYYY-MM-DD HH:mm:ss".' },
        weekday: { type: 'string', description: 'Day of the week there, in English.' },
        utcOffset: { type: 'string', description: 'Offset from UTC there, e.g. "+01:00".' },
      },
      required: ['iso', 'epochMs', 'timeZone', 'local', 'weekday', 'utcOffset'],
      additionalProperties: false,
    },
    timeoutMs: 1000,
    requiresApproval: false,
    minRole: 'member',
    enabledByDefault: true,
    async run(args): Promise<TimeNow> {
      const requested = (args as { timeZone?: string }).timeZone ?? 'UTC';
      const format = formatter(requested);
      // Prefer ICU's spelling when it only fixes case ("europe/paris"), but keep the caller's name
      // when ICU would swap in a legacy alias (it resolves "Asia/Kolkata" to "Asia/Calcutta").
      const resolved = format.resolvedOptions().timeZone;
      const timeZone = resolved.toLowerCase() === requested.toLowerCase() ? resolved : requested;
      const epochMs = now();
      const p = partsOf(format, epochMs);
      return {
        iso: new Date(epochMs).toISOString(),
        epochMs,
        timeZone,
        local: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`,
        weekday: p.weekday,
        utcOffset: offsetOf(p, epochMs),
      };
    },
  };
}
