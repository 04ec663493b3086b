// Registers every Realstream element: what the script-tag bundle and `@realstream/elements/define`
// run. The only other modules with side effects are the per-element define files.
import './room/define.js';
import './chat/define.js';
import './dashboard/define.js';
import './tools/define.js';
