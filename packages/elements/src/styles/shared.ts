import { unsafeCSS, type CSSResult } from 'lit';
import { cssText } from './sheet.generated.js';

/**
 * The shared sheet: tokens, preflight, primitives and utilities, compiled from tailwind.css at build
 * time. One CSSResult instance means one constructable CSSStyleSheet (Lit caches it on the
 * instance), adopted by every Realstream shadow root on the page instead of a copy per element.
 */
export const sharedStyles: CSSResult = unsafeCSS(cssText);
