import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { fromMetres, laea, laeaInverse } from './laea.ts';

/**
 * The map of Europe the dashboard draws, made from Natural Earth's countries as the npm package
 * `world-atlas` ships them (TopoJSON, 1:50 million, ids the numeric codes of ISO 3166-1): turned into
 * GeoJSON with topojson-client's `feature`, cut to a rectangle of the EU's own projection (LAEA,
 * EPSG:3035, framed much as Eurostat frames Europe: Lisbon and Iceland to Cyprus, Malta and Crete
 * to the North Cape; the outermost regions fall outside), outlines simplified to about two
 * kilometres and coordinates rounded to 0.01° (both below a pixel at the dashboard's scale). Run by
 * `make-europe-geo.ts` ahead of the build, so the browser gets ready GeoJSON and no converter.
 */

/** The frame, in EPSG:3035 metres: west, south, east, north. */
export const EUROPE_FRAME = [2_450_000, 1_350_000, 6_700_000, 5_450_000] as const;
const [W, S] = fromMetres(EUROPE_FRAME[0], EUROPE_FRAME[1]);
const [E, N] = fromMetres(EUROPE_FRAME[2], EUROPE_FRAME[3]);
const FRAME = [W, S, E, N] as const;

/** Longitudes and latitudes beyond which nothing reaches the frame (and where the projection would stretch). */
const NEAR = { west: -45, south: 20, east: 75, north: 85 };

type Ring = Position[];

/** Sutherland–Hodgman: a ring clipped to a rectangle, edge by edge (a rectangle is convex, so it is exact). */
function clipRing(ring: Ring, [west, south, east, north]: readonly [number, number, number, number]): Ring {
  const edges: { inside: (p: Position) => boolean; cut: (a: Position, b: Position) => Position }[] = [
    { inside: (p) => p[0]! >= west, cut: (a, b) => atX(a, b, west) },
    { inside: (p) => p[0]! <= east, cut: (a, b) => atX(a, b, east) },
    { inside: (p) => p[1]! >= south, cut: (a, b) => atY(a, b, south) },
    { inside: (p) => p[1]! <= north, cut: (a, b) => atY(a, b, north) },
  ];
  let points = ring.slice(0, -1); // open the ring; closed again at the end
  for (const edge of edges) {
    if (points.length === 0) break;
    const out: Ring = [];
    for (let i = 0; i < points.length; i++) {
      const current = points[i]!;
      const previous = points[(i + points.length - 1) % points.length]!;
      if (edge.inside(current)) {
        if (!edge.inside(previous)) out.push(edge.cut(previous, current));
        out.push(current);
      } else if (edge.inside(previous)) out.push(edge.cut(previous, current));
    }
    points = out;
  }
  return points.length >= 3 ? [...points, points[0]!] : [];
}

const atX = (a: Position, b: Position, x: number): Position => [x, a[1]! + ((b[1]! - a[1]!) * (x - a[0]!)) / (b[0]! - a[0]!)];
const atY = (a: Position, b: Position, y: number): Position => [a[0]! + ((b[0]! - a[0]!) * (y - a[1]!)) / (b[1]! - a[1]!), y];

const round = (v: number) => Math.round(v * 100) / 100;

/** Douglas–Peucker: the points that move the outline by more than `tolerance` degrees. */
function simplify(points: Ring, tolerance: number): Ring {
  if (points.length <= 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    const [ax, ay] = points[from] as [number, number];
    const [bx, by] = points[to] as [number, number];
    const dx = bx - ax;
    const dy = by - ay;
    const length = Math.hypot(dx, dy);
    let farthest = -1;
    let distance = tolerance;
    for (let i = from + 1; i < to; i++) {
      const [px, py] = points[i] as [number, number];
      const d = length === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / length;
      if (d > distance) {
        distance = d;
        farthest = i;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push([from, farthest], [farthest, to]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

/** Rounded, with the points that rounding made equal to their neighbour dropped. */
function roundRing(ring: Ring): Ring {
  const out: Ring = [];
  // A ring that simplifying would flatten (a small island: Malta) keeps its points.
  const simple = simplify(ring, 0.02);
  for (const p of simple.length >= 4 ? simple : ring) {
    const q = [round(p[0]!), round(p[1]!)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  return out.length >= 4 ? out : [];
}

const near = (ring: Ring) => ring.some(([lon, lat]) => lon! >= NEAR.west && lon! <= NEAR.east && lat! >= NEAR.south && lat! <= NEAR.north);

/** Cut in the projection, where the frame is a rectangle; back to degrees for the GeoJSON. */
const clipProjected = (ring: Ring): Ring =>
  clipRing(
    ring.map((p) => laea(p)),
    FRAME,
  ).map((p) => laeaInverse(p));

function clipPolygon(rings: Ring[]): Ring[] | null {
  if (!near(rings[0]!)) return null;
  const clipped = rings.map((r) => roundRing(clipProjected(r)));
  // Without its outer ring a polygon is gone, whatever its holes.
  if (clipped[0]!.length === 0) return null;
  return clipped.filter((r) => r.length > 0);
}

function clipGeometry(g: Geometry): MultiPolygon | null {
  const polygons: Ring[][] =
    g.type === 'Polygon' ? [(g as Polygon).coordinates] : g.type === 'MultiPolygon' ? (g as MultiPolygon).coordinates : [];
  const kept = polygons.map(clipPolygon).filter((p): p is Ring[] => p !== null);
  return kept.length > 0 ? { type: 'MultiPolygon', coordinates: kept } : null;
}

export interface EuropeProperties {
  /** The ISO 3166-1 numeric code ("528" for the Netherlands); Natural Earth's name where ISO has none (Kosovo). */
  name: string;
}

/** The countries of `world-atlas`'s topology that reach into the frame, cut to it. */
export function europeGeoJson(topology: Topology): FeatureCollection<MultiPolygon, EuropeProperties> {
  const countries = topology.objects.countries as GeometryCollection<{ name: string }>;
  const all = feature(topology, countries) as FeatureCollection<Geometry, { name: string }>;
  const features: Feature<MultiPolygon, EuropeProperties>[] = [];
  for (const f of all.features) {
    if (!f.geometry) continue;
    const geometry = clipGeometry(f.geometry);
    if (!geometry) continue;
    features.push({ type: 'Feature', properties: { name: f.id !== undefined ? String(f.id) : f.properties.name }, geometry });
  }
  features.sort((a, b) => a.properties.name.localeCompare(b.properties.name));
  return { type: 'FeatureCollection', features };
}
