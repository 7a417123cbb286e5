/**
 * The Annex of Recommendation (EU) 2020/1364, "Hervestiging: toezeggingen 2020", row by row as
 * printed: the state's Dutch name, its places (null where the cell is empty), and the places in
 * brackets marked (*), carried over from the 2018–2019 scheme and "niet meegeteld bij de
 * toezeggingsronde 2020". The TOTAAL row is not data: the total is computed from these rows, and
 * the printed total is kept as the document's figure (round.data.ts). reference.test.ts checks
 * these rows against the seed text.
 */
export const ANNEX_2020: readonly { state: string; places: number | null; carryOver: number | null }[] = [
  { state: 'België', places: 758, carryOver: null },
  { state: 'Bulgarije', places: null, carryOver: 25 },
  { state: 'Tsjechië', places: null, carryOver: null },
  { state: 'Denemarken', places: null, carryOver: null },
  { state: 'Duitsland', places: 5500, carryOver: null },
  { state: 'Estland', places: null, carryOver: null },
  { state: 'Ierland', places: 994, carryOver: null },
  { state: 'Griekenland', places: null, carryOver: null },
  { state: 'Spanje', places: 1000, carryOver: null },
  { state: 'Frankrijk', places: 5200, carryOver: null },
  { state: 'Kroatië', places: 100, carryOver: null },
  { state: 'Italië', places: 700, carryOver: null },
  { state: 'Cyprus', places: null, carryOver: null },
  { state: 'Letland', places: null, carryOver: null },
  { state: 'Litouwen', places: 18, carryOver: null },
  { state: 'Luxemburg', places: null, carryOver: 50 },
  { state: 'Hongarije', places: null, carryOver: null },
  { state: 'Malta', places: null, carryOver: 20 },
  { state: 'Nederland', places: 1902, carryOver: null },
  { state: 'Oostenrijk', places: null, carryOver: null },
  { state: 'Polen', places: null, carryOver: null },
  { state: 'Portugal', places: 1150, carryOver: null },
  { state: 'Roemenië', places: 200, carryOver: null },
  { state: 'Slovenië', places: null, carryOver: null },
  { state: 'Slowakije', places: null, carryOver: null },
  { state: 'Finland', places: 850, carryOver: null },
  { state: 'Zweden', places: 5114, carryOver: null },
  { state: 'Verenigd Koninkrijk', places: 6000, carryOver: null },
];

export const ANNEX_2020_ROUND = '2020-2021';
export const ANNEX_2020_CARRY_OVER_NOTE =
  'Uitvoering van toezeggingen in het kader van de vorige regeling (niet meegeteld bij de toezeggingsronde 2020)';
