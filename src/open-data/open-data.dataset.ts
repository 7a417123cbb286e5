import { AGENCY, columns, TOTAL } from '../exchange/concepts.ts';
import type { Dataset, DatasetCell } from '../exchange/dataset.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { OpenData } from './open-data.ts';

/**
 * The open data as observations, the state of play's shape: per state (COUNTRY_DEPARTURE `_T`)
 * places pledged and carried over (exact) and persons arrived (rounded), per state and country of
 * departure the persons arrived, and every state together (REF_AREA `_T`). A withheld figure is
 * empty, with CONF_STATUS `C` (SDMX: confidential); the method is in the notes.
 */
export function openDataDataset(o: OpenData, t: Translate): Dataset {
  const rows: DatasetCell[][] = [];
  const row = (
    area: string,
    departure: string,
    pledged: number | null,
    carryOver: number | null,
    arrived: number | null,
  ): DatasetCell[] => [o.round, area, departure, o.asOf, pledged, carryOver, arrived, arrived === null ? 'C' : null];
  for (const s of [...o.states, { ...o.totals, code: TOTAL }]) {
    rows.push(row(s.code, TOTAL, s.pledged, s.carryOver, s.arrived));
    // Every cell, a true zero as 0: a row left out would read as "not known".
    o.departures.forEach((d, j) => {
      rows.push(row(s.code, d, null, null, s.byDeparture[j]!));
    });
  }
  return {
    dataflow: { agency: AGENCY, id: 'OPEN_DATA', version: '1.0' },
    title: t('openData.datasetTitle', { title: o.title, asOf: o.asOf }),
    columns: columns(t, [
      ['ROUND', 'dimension'],
      ['REF_AREA', 'dimension'],
      ['COUNTRY_DEPARTURE', 'dimension'],
      ['TIME_PERIOD', 'dimension'],
      ['PLEDGED', 'measure'],
      ['CARRY_OVER', 'measure'],
      ['ARRIVED', 'measure'],
      ['CONF_STATUS', 'attribute'],
    ]),
    rows,
    notes: [
      t('openData.method', { base: o.method.roundingBase, below: o.method.threshold, protection: o.method.protection }),
      t('exports.note.totalCode'),
    ],
  };
}
