export interface ToolInvokeDetail {
  /** The tool about to run. */
  name: string;
  /** Its arguments, valid against the tool's input schema. */
  args: Record<string, unknown>;
}

/**
 * The user runs a tool (the Run button, Enter in the form, or Re-run). Cancelable: call
 * preventDefault() to keep it from running, e.g. to confirm first or to run it elsewhere.
 */
export class RealstreamToolInvokeEvent extends CustomEvent<ToolInvokeDetail> {
  constructor(detail: ToolInvokeDetail) {
    super('realstream-tool-invoke', { bubbles: true, composed: true, cancelable: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-tool-invoke': RealstreamToolInvokeEvent;
  }
}
