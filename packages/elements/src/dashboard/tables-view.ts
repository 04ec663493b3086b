import { html, nothing, type TemplateResult } from 'lit';
import type { RoomMetrics } from '@realstream/client';
import { formatDuration } from '../internal/numbers.js';
import { durationParts, formatCount, formatRate, type RoomRow } from './model.js';
import type { DashboardStrings } from './strings.js';

const ms = (v: number, locale: string | undefined) => formatDuration(v, locale, v < 10_000 ? 2 : 1);

/** A table in a scroll area that a keyboard can reach (it scrolls when long). */
function table(
  label: string,
  part: string,
  head: readonly string[],
  rows: readonly TemplateResult[],
  empty: string,
) {
  if (!rows.length) return html`<p class="dash__note" part="${part} empty">${empty}</p>`;
  return html`<div
    class="table-wrap rs-scroll"
    part=${part}
    role="region"
    aria-label=${label}
    tabindex="0"
  >
    <table class="table">
      <caption class="rs-sr-only">
        ${label}
      </caption>
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** Who is connected now, longest first, with how long for (as of the figures' time). */
export function renderPeople(m: RoomMetrics, s: DashboardStrings, locale?: string): TemplateResult {
  const people = [...m.people].sort((a, b) => a.connectedAt - b.connectedAt);
  const rows = people.map(
    (p) =>
      html`<tr data-connection=${p.connectionId}>
        <th scope="row">${p.name || p.userId}</th>
        <td>${s.role(p.role)}</td>
        <td>
          ${durationParts(m.at - p.connectedAt)
            .map(([n, unit]) => s.durationPart(n, unit, locale))
            .join(' ')}
        </td>
      </tr>`,
  );
  return html`<h3 class="dash__heading">${s.peopleTable}</h3>
    ${table(s.peopleTable, 'people-table', [s.name, s.roleHeader, s.connectedFor], rows, s.nobody)}`;
}

/** Each tool that ran in the last 15 minutes. */
export function renderTools(m: RoomMetrics, s: DashboardStrings, locale?: string): TemplateResult {
  const rows = m.tools.map(
    (t) =>
      html`<tr data-tool=${t.name}>
        <th scope="row"><code>${t.name}</code></th>
        <td>${formatCount(t.calls, locale)}</td>
        <td class=${t.errors ? 'table__bad' : ''}>${formatCount(t.errors, locale)}</td>
        <td class=${t.timeouts ? 'table__bad' : ''}>${formatCount(t.timeouts, locale)}</td>
        <td>${ms(t.latency.p50, locale)}</td>
        <td>${ms(t.latency.p95, locale)}</td>
        <td>${ms(t.latency.p99, locale)}</td>
      </tr>`,
  );
  return html`<h3 class="dash__heading">${s.toolsTable}</h3>
    ${table(
      s.toolsTable,
      'tools-table',
      [s.tool, s.calls, s.errorsHeader, s.timeouts, 'p50', 'p95', 'p99'],
      rows,
      s.noTools,
    )}`;
}

/**
 * Each responder the room may use, since the room started: its replies, the failed ones by error
 * code, and whether the model took the room's tools.
 */
export function renderResponders(
  m: RoomMetrics,
  s: DashboardStrings,
  locale?: string,
): TemplateResult {
  const rows = m.responders.map((r) => {
    const failed = r.errors.reduce((n, e) => n + e.count, 0);
    return html`<tr data-responder=${r.name}>
      <th scope="row">${r.name}</th>
      <td>${formatCount(r.replies, locale)}</td>
      <td class=${failed ? 'table__bad' : ''}>${formatCount(failed, locale)}</td>
      <td>
        ${
          r.errors.length
            ? r.errors.map(
                (e, i) =>
                  html`${i ? ', ' : ''}<code>${e.code}</code> ${formatCount(e.count, locale)}`,
              )
            : '–'
        }
      </td>
      <td title=${r.toolsRefused ?? nothing}>
        ${r.toolsRefused ? s.toolsRefused : s.toolsOffered}
      </td>
    </tr>`;
  });
  return html`<h3 class="dash__heading">${s.respondersTable}</h3>
    ${table(
      s.respondersTable,
      'responders-table',
      [s.responder, s.responderReplies, s.failed, s.errorCodes, s.toolsHeader],
      rows,
      s.noResponders,
    )}`;
}

/** Every active room of the deployment; a room's name opens it when `open` is given. */
export function renderRooms(
  rows: readonly RoomRow[],
  s: DashboardStrings,
  open?: (room: string) => void,
  locale?: string,
): TemplateResult {
  const body = rows.map(
    (r) =>
      html`<tr data-room=${r.room}>
        <th scope="row">
          ${
            open
              ? html`<button
                  type="button"
                  class="table__link"
                  aria-label=${s.openRoom(r.room)}
                  @click=${() => open(r.room)}
                >
                  ${r.room}
                </button>`
              : r.room
          }
          ${r.party !== 'main' ? html`<span class="table__party">${r.party}</span>` : nothing}
        </th>
        <td>${formatCount(r.connections, locale)}</td>
        <td>${formatCount(r.streaming, locale)}</td>
        <td>${formatRate(r.messagesPerMinute, locale)}</td>
        <td>
          ${
            r.ttftP95 === null
              ? html`<span title=${s.latencyCount(0)} aria-label=${s.latencyCount(0)}>–</span>`
              : ms(r.ttftP95, locale)
          }
        </td>
        <td class=${r.errors ? 'table__bad' : ''}>${formatCount(r.errors, locale)}</td>
      </tr>`,
  );
  return html`<h3 class="dash__heading">${s.roomsTable} · ${s.roomCount(rows.length)}</h3>
    ${table(
      s.roomsTable,
      'rooms-table',
      [s.room, s.connections, s.streaming, s.messagesPerMinute, s.ttftP95Header, s.errorsHeader],
      body,
      s.noRooms,
    )}`;
}
