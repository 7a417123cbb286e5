/**
 * The charts' colours and helpers, without ECharts (a page imports these while the charts load).
 * Colours tell blue (pledges) from orange-brown (arrivals), which colour-blind readers tell apart
 * too, and every mark has a contrast of 3:1 or more against what it lies on (WCAG 1.4.11); the
 * legend and the "Show as table" view carry the meaning as text.
 */
export const COLOURS = {
  ink: '#1a1a1a',
  muted: '#4d4d4d',
  grid: '#d9d9d9',
  /** A pledge: a pale bar with a blue edge (5.2:1 against white). */
  pledged: '#c6dbef',
  pledgedEdge: '#0072b2',
  /** Arrivals: 4.9:1 against white, 3.4:1 against the pale pledge bar it lies on. */
  arrived: '#b35806',
  /** The 2020 suspension of travel, behind the bars. */
  suspension: '#e3e3e3',
  suspensionEdge: '#6b6b6b',
  /** Share delivered on the map, light to dark (ColorBrewer "Blues"). */
  scale: ['#deebf7', '#9ecae1', '#4292c6', '#2171b5', '#08306b'],
  /** Countries outside the round, and states without a pledge in it. */
  outside: '#f2f2f2',
  outsideEdge: '#9e9e9e',
  noPledge: '#dcdcdc',
  hatch: '#767676',
  /** The state under the pointer (the EU's yellow). */
  highlight: '#ffd617',
} as const;

export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, sans-serif";

/** For text put into a tooltip (ECharts writes tooltips as HTML). */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
