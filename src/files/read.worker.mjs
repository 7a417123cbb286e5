// The upload reader's thread entry: plain JavaScript, so it starts without a loader, registers tsx's
// (as src/evaluation/forecast.worker.mjs does) and runs the TypeScript of the readers.
import { register } from 'tsx/esm/api';

register();
await import('./read.worker.ts');
