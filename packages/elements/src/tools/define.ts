import { RealstreamSchemaForm } from './schema-form.js';
import { RealstreamTools } from './tools.js';

// <realstream-tools> renders a <realstream-schema-form>: registering the panel registers both.
RealstreamSchemaForm.define('realstream-schema-form');
RealstreamTools.define('realstream-tools');

declare global {
  interface HTMLElementTagNameMap {
    'realstream-schema-form': RealstreamSchemaForm;
    'realstream-tools': RealstreamTools;
  }
}
