export interface SchemaFormSubmitDetail {
  /** The arguments, valid against the form's schema: built, typed, empty optionals omitted. */
  args: Record<string, unknown>;
}

/** The form was submitted (Enter in a single-line field, or `submit()`) and its value is valid. */
export class RealstreamSchemaFormSubmitEvent extends CustomEvent<SchemaFormSubmitDetail> {
  constructor(detail: SchemaFormSubmitDetail) {
    super('realstream-schema-form-submit', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'realstream-schema-form-submit': RealstreamSchemaFormSubmitEvent;
  }
}
