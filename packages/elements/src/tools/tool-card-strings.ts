import type { ToolCallStatus } from '@realstream/client';
import { formatDuration } from '../internal/numbers.js';

/**
 * The words of a tool call's card, shared by `<realstream-chat>` (cards under an assistant reply)
 * and `<realstream-tools>` (the history). Both elements' `strings` include these.
 */
export const defaultToolCardStrings = {
  callStatus: (status: ToolCallStatus) =>
    ({
      awaiting_approval: 'Awaiting approval',
      running: 'Running',
      done: 'Done',
      error: 'Failed',
      timeout: 'Timed out',
      cancelled: 'Cancelled',
      denied: 'Denied',
    })[status] ?? status,
  callerAssistant: 'Assistant',
  callerYou: 'You',
  calledBy: (who: string) => `by ${who}`,
  callArguments: 'Arguments',
  callResult: 'Result',
  callProgress: (name: string) => `Progress of ${name}`,
  /** `locale`: the element's (its nearest `lang`); the unit's name and place are the locale's. */
  callDuration: (ms: number, locale?: string) => formatDuration(ms, locale),
  callDurationLabel: 'Duration',
  callError: (code: string, message: string) => (message ? `${message} (${code})` : code),
  callDecidedBy: (status: ToolCallStatus, who: string) =>
    status === 'denied' ? `Denied by ${who}` : `Approved by ${who}`,
  approveCall: 'Approve',
  denyCall: 'Deny',
  cancelCall: 'Cancel',
  waitingForApproval: 'Waiting for an operator to approve',
};

export type ToolCardStrings = typeof defaultToolCardStrings;
