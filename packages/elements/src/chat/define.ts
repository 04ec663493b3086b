import { RealstreamChat } from './chat.js';

RealstreamChat.define('realstream-chat');

declare global {
  interface HTMLElementTagNameMap {
    'realstream-chat': RealstreamChat;
  }
}
