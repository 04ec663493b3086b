import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { icons, type IconName } from './icons.js';

export interface ButtonOptions {
  /** Visible text; for icon-only buttons, the accessible name and tooltip. */
  label: string;
  variant?: 'primary' | 'outline' | 'danger' | 'ghost';
  icon?: IconName;
  /** Show only the icon; the label becomes aria-label and a tooltip. */
  iconOnly?: boolean;
  small?: boolean;
  disabled?: boolean;
  type?: 'button' | 'submit';
  part?: string;
  className?: string;
  /** Ids of elements that say what the button acts on (aria-describedby). */
  describedBy?: string;
  onClick?: (e: MouseEvent) => void;
}

/** The button primitive: a native <button> styled by the shared sheet's .rs-button classes. */
export function button(o: ButtonOptions): TemplateResult {
  const classes = [
    'rs-button',
    o.variant && o.variant !== 'ghost' ? `rs-button--${o.variant}` : '',
    o.iconOnly ? 'rs-button--icon' : '',
    o.small ? 'rs-button--small' : '',
    o.className ?? '',
  ].join(' ');
  return html`<button
    type=${o.type ?? 'button'}
    class=${classes}
    part=${ifDefined(o.part)}
    aria-label=${ifDefined(o.iconOnly ? o.label : undefined)}
    data-tooltip=${ifDefined(o.iconOnly ? o.label : undefined)}
    aria-describedby=${ifDefined(o.describedBy)}
    ?disabled=${o.disabled ?? false}
    @click=${o.onClick ?? nothing}
  >
    ${o.icon ? icons[o.icon] : nothing}${o.iconOnly ? nothing : html`<span>${o.label}</span>`}
  </button>`;
}
