/// <reference types="node" />
/**
 * Writes `europe.geo.json` (the dashboard's map) from `world-atlas/countries-50m.json`:
 * `node --import tsx web/src/charts/make-europe-geo.ts`. Run again when world-atlas changes (it is
 * pinned; the browser test checks that the file is what this makes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Topology } from 'topojson-specification';
import { europeGeoJson } from './europe-geo.ts';

export const EUROPE_GEO_FILE = fileURLToPath(new URL('./europe.geo.json', import.meta.url));

export function makeEuropeGeo(): string {
  const topology = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology;
  return `${JSON.stringify(europeGeoJson(topology))}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = makeEuropeGeo();
  writeFileSync(EUROPE_GEO_FILE, text);
  console.log(`${EUROPE_GEO_FILE}: ${(text.length / 1024).toFixed(0)} KB`);
}
