#!/usr/bin/env node
// The command-line entry point. TypeScript runs through tsx's loader, so `npm install`
// is the only build step a newcomer needs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
