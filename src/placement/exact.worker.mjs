// The exact MIP's thread (exact-thread.ts): plain JavaScript, so it starts without a loader, registers
// tsx's (as solve.worker.mjs does) and runs the TypeScript of the thread.
import { register } from 'tsx/esm/api';

register();
await import('./exact.worker.ts');
