import { lazy } from 'react';

/**
 * The charts as the pages take them: loaded when first drawn, so a page's own code stays small and
 * ECharts (and the map, in a chunk of its own) is never in the first load.
 */
export const LazyChart = lazy(() => import('./chart.tsx'));
export const LazyEuropeMap = lazy(() => import('./europe-map.tsx'));
