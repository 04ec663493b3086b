import type { EventFrame, Message, Reasoning, Role, RoomSettings } from '@realstream/protocol';
import { roleAtLeast } from '@realstream/protocol';

/**
 * A room may show the assistant's reasoning to operators only (`RoomSettings.reasoning`). Everyone
 * else gets the same events with the same seqs, in the same order, so resume and exactly-once work
 * unchanged; only the reasoning's words are left out. They still see that the model reasoned, and
 * for how long.
 */
export function seesReasoning(settings: RoomSettings, role: Role): boolean {
  return settings.reasoning === 'everyone' || roleAtLeast(role, 'operator');
}

const withheld = (r: Reasoning): Reasoning => {
  const { text: _text, ...rest } = r;
  return { ...rest, text: '', withheld: true };
};

/** A message as someone who does not see reasoning receives it. */
export function hideReasoning(message: Message): Message {
  return message.reasoning ? { ...message, reasoning: withheld(message.reasoning) } : message;
}

/** An event as someone who does not see reasoning receives it (the same object when unchanged). */
export function hideReasoningIn(frame: EventFrame): EventFrame {
  const { event } = frame;
  switch (event.type) {
    case 'message.delta':
      if (event.part !== 'reasoning') return frame;
      return { ...frame, event: { ...event, text: '', withheld: true } };
    case 'message.completed':
    case 'message.failed':
      if (!event.reasoning) return frame;
      return { ...frame, event: { ...event, reasoning: withheld(event.reasoning) } };
    case 'message.created':
      if (!event.message.reasoning) return frame;
      return { ...frame, event: { ...event, message: hideReasoning(event.message) } };
    default:
      return frame;
  }
}
