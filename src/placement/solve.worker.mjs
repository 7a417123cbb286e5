// The solver thread's entry: plain JavaScript, so it starts without a loader, registers tsx's (as
// bin/pathways.js and src/evaluation/forecast.worker.mjs do) and runs the TypeScript of the solver.
import { register } from 'tsx/esm/api';

register();
await import('./solve.worker.ts');
