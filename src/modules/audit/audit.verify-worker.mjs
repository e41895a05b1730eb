// Entry of the streaming verifier's worker threads (audit.verify-stream.ts): the project runs
// TypeScript through tsx without a build, so each worker registers tsx before loading its code.
import { register } from 'tsx/esm/api';

register();
await import('./audit.verify-worker.ts');
