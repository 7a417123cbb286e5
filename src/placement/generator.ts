/**
 * Seeded placement instances calibrated to published figures (issue 8), from a weekly batch to
 * 33,000 households × 200 places:
 * - household sizes 1: 46.1 %, 2: 10.9 %, 3: 11.6 %, 4: 12.9 %, 5: 10.6 %, 6: 5.0 %, 7: 2.2 %,
 *   8+: 0.7 % (8 and more drawn as 8 + a geometric tail, mean about 9);
 * - each household × place pair compatible with probability 0.63 (HIAS: about 63 %);
 * - capacities log-normal (σ = 0.8) across places, scaled to the demand plus 10 % slack in every
 *   dimension (rounded up to whole units);
 * - scores from the documented model of score.ts over drawn profiles (working adults, languages,
 *   education; the place's employment rate, languages, communities).
 * The same seed gives the same instance.
 */
import { rng } from '../evaluation/random.ts';
import { DIMENSIONS, type Dimension, type Household, type Place, type PlaceKind, type PlacementInstance } from './placement.ts';
import { expectedEmployed, type HouseholdProfile, type PlaceProfile } from './score.ts';

export const SIZE_SHARES: readonly [size: string, share: number][] = [
  ['1', 0.461],
  ['2', 0.109],
  ['3', 0.116],
  ['4', 0.129],
  ['5', 0.106],
  ['6', 0.05],
  ['7', 0.022],
  ['8+', 0.007],
];

export interface GeneratorOptions {
  households: number;
  places: number;
  /** How many of DIMENSIONS, in their order (persons first); default 1. */
  dimensions?: number;
  seed?: number;
  compatibility?: number;
  slack?: number;
  /** Share of households linked to the next one (default 0.02). */
  linkShare?: number;
  /** Share of households tied to a place (default 0.01). */
  tieShare?: number;
  /** Penalty of an unplaced household (default 0.5 expected members employed). */
  penalty?: number;
  /**
   * Capacities sized for this many batches like this one (default 1: the batch's own demand plus
   * the slack). A weekly batch placed against what places have left for a quarter: 13.
   */
  demandScale?: number;
}

const HOME_LANGUAGES = ['ar', 'fa', 'ps', 'so', 'ti', 'ku', 'sw', 'fr', 'en', 'rw'];
const PLACE_LANGUAGES = ['nl', 'de', 'fr', 'sv', 'es', 'it', 'pt', 'fi'];

export function generateInstance(o: GeneratorOptions): PlacementInstance {
  const random = rng(o.seed ?? 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const dimensions = DIMENSIONS.slice(0, o.dimensions ?? 1) as Dimension[];
  const D = dimensions.length;
  const H = o.households;
  const P = o.places;

  const drawSize = () => {
    let r = random();
    for (const [label, share] of SIZE_SHARES) {
      if (r < share) return label === '8+' ? 8 + Math.floor(-Math.log(1 - random()) * 1.2) : Number(label);
      r -= share;
    }
    return 1; // the shares sum to 1.000; rounding leaves nothing here in practice
  };

  const profiles: HouseholdProfile[] = [];
  const households: Household[] = [];
  for (let h = 0; h < H; h++) {
    const persons = drawSize();
    const adults = persons === 1 ? 1 : Math.min(persons, (random() < 0.8 ? 2 : 1) + (persons >= 6 && random() < 0.3 ? 1 : 0));
    const seniors = persons > adults && random() < 0.05 ? 1 : 0;
    const children = persons - adults - seniors;
    const all: Record<Dimension, number> = {
      persons,
      housingUnits: persons >= 8 ? 2 : 1,
      schoolPlaces: Math.round(children * 0.7),
      medicalSlots: random() < 0.12 ? 1 : 0,
      languageSupport: random() < 0.6 ? adults : 0,
    };
    const languages = random() < 0.4 ? [pick(HOME_LANGUAGES), pick(HOME_LANGUAGES)] : [pick(HOME_LANGUAGES)];
    profiles.push({ workingAdults: adults, languages, yearsOfEducation: Math.max(0, Math.round(10 + 4 * normal())) });
    households.push({ id: `H${h + 1}`, size: dimensions.map((d) => all[d]), penalty: o.penalty ?? 0.5 });
  }

  const kinds: PlaceKind[] = ['municipality', 'municipality', 'municipality', 'receptionCentre', 'sponsorGroup'];
  const placeProfiles: PlaceProfile[] = [];
  const weights: number[] = [];
  for (let p = 0; p < P; p++) {
    const local = pick(PLACE_LANGUAGES);
    placeProfiles.push({
      employmentRate: 0.5 + 0.3 * random(),
      languages: random() < 0.5 ? [local, 'en'] : random() < 0.3 ? [local, 'fr'] : [local],
      communities: [pick(HOME_LANGUAGES), pick(HOME_LANGUAGES)],
    });
    weights.push(Math.exp(0.8 * normal()));
  }
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const demand = dimensions.map((_, d) => households.reduce((s, h) => s + h.size[d]!, 0));
  const places: Place[] = weights.map((w, p) => ({
    id: `P${p + 1}`,
    kind: kinds[p % kinds.length]!,
    capacity: demand.map((t) => Math.ceil((o.demandScale ?? 1) * (1 + (o.slack ?? 0.1)) * t * (w / totalWeight))),
  }));

  const scores = new Float64Array(H * P);
  const compatibility = o.compatibility ?? 0.63;
  for (let h = 0; h < H; h++)
    for (let p = 0; p < P; p++)
      scores[h * P + p] = random() < compatibility ? Math.round(expectedEmployed(profiles[h]!, placeProfiles[p]!) * 1e6) / 1e6 : Number.NaN;

  // Links (a household with the next one) and ties (to a compatible place with room left).
  const linkShare = o.linkShare ?? 0.02;
  const tieShare = o.tieShare ?? 0.01;
  const tied = new Float64Array(P * D);
  const linked = new Set<number>();
  for (let h = 0; h + 1 < H; h++)
    if (random() < linkShare && !linked.has(h)) {
      households[h] = { ...households[h]!, links: [households[h + 1]!.id] };
      linked.add(h).add(h + 1);
    }
  for (let h = 0; h < H; h++) {
    if (linked.has(h) || random() >= tieShare) continue;
    const p = Math.floor(random() * P);
    const hh = households[h]!;
    if (Number.isNaN(scores[h * P + p]!) || !hh.size.every((s, d) => tied[p * D + d]! + s <= places[p]!.capacity[d]!)) continue;
    hh.size.forEach((s, d) => {
      tied[p * D + d]! += s;
    });
    households[h] = { ...hh, tie: places[p]!.id };
  }
  return { dimensions, households, places, scores };
}
