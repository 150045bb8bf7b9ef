import type { SandboxCore } from '../core/sandbox-core.js';
import { messageFactsOf, StatsRecorder } from './stats-recorder.js';

/** Feeds every recorded event to the statistics rollup (in the recorder's transaction). */
export function attachStats(core: SandboxCore): () => void {
  const recorder = new StatsRecorder(core.db, (namespace, messageId) => {
    const message = core.messages.get(namespace, messageId);
    return message ? messageFactsOf(message) : undefined;
  });
  return core.recorder.onEvent(recorder.record);
}
