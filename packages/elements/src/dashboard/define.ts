import { RealstreamDashboard } from './dashboard.js';

RealstreamDashboard.define('realstream-dashboard');

declare global {
  interface HTMLElementTagNameMap {
    'realstream-dashboard': RealstreamDashboard;
  }
}
