/**
 * Occupation codes as the platform accepts them (a candidate's work experience, a labour
 * programme's occupations): an ESCO occupation URI (`http://data.europa.eu/esco/occupation/<uuid>`),
 * or an ISCO-08 unit group (4 digits). Pure.
 */
const ESCO_OCCUPATION = /^http:\/\/data\.europa\.eu\/esco\/occupation\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISCO_08 = /^\d{4}$/;
export const isOccupationCode = (s: string): boolean => ESCO_OCCUPATION.test(s) || ISCO_08.test(s);
