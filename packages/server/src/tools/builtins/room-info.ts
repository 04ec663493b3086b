/**
 * `room.info`: what the room looks like right now, so the assistant can answer "who is here?" or
 * "which tools can I use?" from facts rather than from the conversation.
 */
import type { Role } from '@realstream/protocol';
import type { RoomView, ServerTool } from '../types.js';

export interface RoomInfo {
  name: string;
  seq: number;
  people: { name: string; role: Role }[];
  connections: number;
  messages: number;
  streaming: number;
  tools: { name: string; enabled: boolean; available: boolean }[];
}

/** Ids stay out: they are opaque to people, and the assistant has no use for them. */
export function roomInfo(room: RoomView): RoomInfo {
  return {
    name: room.name,
    seq: room.seq,
    people: room.presence.map(({ name, role }) => ({ name, role })),
    connections: room.connections,
    messages: room.messages,
    streaming: room.streaming,
    tools: room.tools.map(({ name, enabled, available }) => ({ name, enabled, available })),
  };
}

const count = (description: string) => ({ type: 'integer', minimum: 0, description });

export const roomInfoTool: ServerTool = {
  name: 'room.info',
  title: 'Room info',
  description:
    'Describes this room right now: its name, who is present and their roles, how many ' +
    'connections, messages and replies in progress it has, and which tools are switched on and ' +
    'available.',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  outputSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The room name.' },
      seq: count('Latest event sequence number.'),
      people: {
        type: 'array',
        description: 'People present, one entry per person.',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            role: { enum: ['viewer', 'member', 'operator'] },
          },
          required: ['name', 'role'],
          additionalProperties: false,
        },
      },
      connections: count('Open connections (a person may have several).'),
      messages: count('Messages in the conversation.'),
      streaming: count('Assistant replies being written right now.'),
      tools: {
        type: 'array',
        description: 'Every tool the room knows.',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            enabled: { type: 'boolean', description: 'Switched on by an operator.' },
            available: {
              type: 'boolean',
              description: 'Can run now (a client tool needs its browser).',
            },
          },
          required: ['name', 'enabled', 'available'],
          additionalProperties: false,
        },
      },
    },
    required: ['name', 'seq', 'people', 'connections', 'messages', 'streaming', 'tools'],
    additionalProperties: false,
  },
  timeoutMs: 1000,
  requiresApproval: false,
  minRole: 'member',
  enabledByDefault: true,
  async run(_args, ctx) {
    return roomInfo(ctx.room);
  },
};
