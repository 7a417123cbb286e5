import { parse } from 'csv-parse/sync';

/**
 * A reader of SDMX-CSV 2.0 written from the standard (SDMX 3.0 section 6, "SDMX-CSV data
 * message" v2.0), not from this platform's writer (nothing of src/exchange is imported): the first
 * column STRUCTURE (datastructure, dataflow or dataprovision), the second STRUCTURE_ID
 * (AGENCY:ID(VERSION)), an optional ACTION (I, A, R or D), then one column per component named by
 * its id (in "labels=both" mode `ID: Name`, of which the id is kept). An empty cell is a missing
 * value. Each row is one observation of the structure it names.
 */
export interface SdmxObservation {
  structure: string;
  agency: string;
  id: string;
  version: string;
  action: string | null;
  /** Component id → its value; null where the cell is empty. */
  values: Record<string, string | null>;
}

const STRUCTURES = new Set(['datastructure', 'dataflow', 'dataprovision']);
const ACTIONS = new Set(['I', 'A', 'R', 'D']);

export function readSdmxCsv(text: string): { components: string[]; observations: SdmxObservation[] } {
  const [header, ...rows] = parse(text, { skip_empty_lines: true }) as string[][];
  if (header?.[0] !== 'STRUCTURE' || header[1] !== 'STRUCTURE_ID')
    throw new Error('Not SDMX-CSV 2.0: the first columns must be STRUCTURE and STRUCTURE_ID');
  const hasAction = header[2] === 'ACTION';
  const components = header.slice(hasAction ? 3 : 2).map((h) => h.split(':')[0]!.trim());
  if (new Set(components).size !== components.length) throw new Error('A component appears twice');
  const observations = rows.map((r, n) => {
    if (r.length !== header.length) throw new Error(`Row ${n + 2} has ${r.length} cells, the header ${header.length}`);
    const structure = r[0]!;
    if (!STRUCTURES.has(structure)) throw new Error(`Row ${n + 2}: STRUCTURE "${structure}"`);
    const ref = /^([A-Za-z0-9_@.-]+):([A-Za-z0-9_@-]+)\(([0-9A-Za-z.+*~-]+)\)$/.exec(r[1]!);
    if (!ref) throw new Error(`Row ${n + 2}: STRUCTURE_ID "${r[1]}" is not AGENCY:ID(VERSION)`);
    const action = hasAction ? r[2]! : null;
    if (action !== null && action !== '' && !ACTIONS.has(action)) throw new Error(`Row ${n + 2}: ACTION "${action}"`);
    const values = Object.fromEntries(
      components.map((c, i) => [c, r[i + (hasAction ? 3 : 2)] === '' ? null : r[i + (hasAction ? 3 : 2)]!]),
    );
    return { structure, agency: ref[1]!, id: ref[2]!, version: ref[3]!, action: action || null, values };
  });
  return { components, observations };
}
