// The worker thread's entry: plain JavaScript, so it starts without a loader, registers tsx's (as
// bin/pathways.js does) and runs the TypeScript of the simulation.
import { register } from 'tsx/esm/api';

register();
await import('./forecast.worker.ts');
