/**
 * A WebSocket peer written on a bare TCP socket, for tests of what a misbehaving client does to a
 * room: it completes the handshake and sends masked text frames, but never answers anything, not
 * even a close frame, so its connection stays open until the test destroys it. `ws` always answers
 * a close, so it cannot play this part.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { TestServer } from './harness.js';

export interface WedgedSocket {
  readonly tcp: Socket;
  /** Everything the server sent after the handshake, raw. */
  readonly received: () => Buffer;
  /** The close code of the server's close frame, once one arrived. */
  readonly closeCode: () => number | null;
  send(frame: unknown): void;
  destroy(): void;
}

/** One masked client frame (RFC 6455 §5.2). */
function encodeFrame(payload: Buffer, opcode = 0x1): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, 0x80 | len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), u64(len)]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** The close code in the first close frame (opcode 8) among unmasked server frames, if any. */
function findCloseCode(data: Buffer): number | null {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at]! & 0x0f;
    let len = data[at + 1]! & 0x7f;
    let head = 2;
    if (len === 126) {
      if (at + 4 > data.length) return null;
      len = data.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (at + 10 > data.length) return null;
      len = Number(data.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (at + head + len > data.length) return null;
    if (opcode === 0x8 && len >= 2) return data.readUInt16BE(at + head);
    at += head + len;
  }
  return null;
}

export async function openWedged(
  server: TestServer,
  room: string,
  query: Record<string, string> = {},
): Promise<WedgedSocket> {
  const tcp = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    tcp.once('connect', () => resolve());
    tcp.once('error', reject);
  });
  const key = randomBytes(16).toString('base64');
  const path = `/parties/main/${encodeURIComponent(room)}?${new URLSearchParams(query)}`;
  tcp.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let buffered = Buffer.alloc(0);
  let frames = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString();
      if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error(`no upgrade: ${head}`));
      frames = buffered.subarray(end + 4);
      tcp.off('data', onData);
      tcp.on('data', (more: Buffer) => (frames = Buffer.concat([frames, more])));
      resolve();
    };
    tcp.on('data', onData);
    tcp.once('error', reject);
  });
  tcp.on('error', () => {});
  return {
    tcp,
    received: () => frames,
    closeCode: () => findCloseCode(frames),
    send: (frame) =>
      tcp.write(
        encodeFrame(Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame))),
      ),
    destroy: () => tcp.destroy(),
  };
}
