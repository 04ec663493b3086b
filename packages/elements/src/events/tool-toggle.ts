export interface ToolToggleDetail {
  name: string;
  /** What the operator switched it to. */
  enabled: boolean;
}

/** An operator switched a tool on or off (fired as the request goes to the room). */
export class RealstreamToolToggleEvent extends CustomEvent<ToolToggleDetail> {
  constructor(detail: ToolToggleDetail) {
    super('realstream-tool-toggle', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-tool-toggle': RealstreamToolToggleEvent;
  }
}
