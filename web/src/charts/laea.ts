/**
 * Lambert azimuthal equal-area centred on 10° E, 52° N: the projection of the EU's statistical maps
 * (ETRS89-LAEA, EPSG:3035), so that areas compare truly; on the sphere, which is exact enough at
 * this scale. Units are the sphere's radius; y grows northwards (the map's drawing flips it).
 */
const RAD = Math.PI / 180;
const LON0 = 10 * RAD;
const LAT0 = 52 * RAD;
const SIN0 = Math.sin(LAT0);
const COS0 = Math.cos(LAT0);

export function laea([lon, lat]: readonly number[]): [number, number] {
  const l = lon! * RAD - LON0;
  const p = lat! * RAD;
  const k = Math.sqrt(2 / (1 + SIN0 * Math.sin(p) + COS0 * Math.cos(p) * Math.cos(l)));
  return [k * Math.cos(p) * Math.sin(l), k * (COS0 * Math.sin(p) - SIN0 * Math.cos(p) * Math.cos(l))];
}

export function laeaInverse([x, y]: readonly number[]): [number, number] {
  const rho = Math.hypot(x!, y!);
  if (rho === 0) return [LON0 / RAD, LAT0 / RAD];
  const c = 2 * Math.asin(Math.min(1, rho / 2));
  const lat = Math.asin(Math.cos(c) * SIN0 + (y! * Math.sin(c) * COS0) / rho);
  const lon = LON0 + Math.atan2(x! * Math.sin(c), rho * COS0 * Math.cos(c) - y! * SIN0 * Math.sin(c));
  return [lon / RAD, lat / RAD];
}

/** EPSG:3035's metres from the unit sphere's coordinates (false easting and northing; the GRS80 sphere of equal area). */
const R = 6_371_007;
export const fromMetres = (x: number, y: number): [number, number] => [(x - 4_321_000) / R, (y - 3_210_000) / R];
