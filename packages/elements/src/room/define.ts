import { RealstreamRoom } from './room.js';

RealstreamRoom.define('realstream-room');

declare global {
  interface HTMLElementTagNameMap {
    'realstream-room': RealstreamRoom;
  }
}
