import { MapChart } from 'echarts/charts';
import { GraphicComponent } from 'echarts/components';
import { registerMap, use } from 'echarts/core';
import { useMemo } from 'react';
import Chart from './chart.tsx';
import europe from './europe.geo.json';
import type { ChartOption } from './option.ts';
import { laea, laeaInverse } from './laea.ts';
import { COLOURS } from './style.ts';

// This module is the map's chunk: the dashboard imports it dynamically, never the first load.
use([MapChart, GraphicComponent]);
registerMap('europe', europe as Parameters<typeof registerMap>[1]);

/** The EU's projection (laea.ts), the frame europe.geo.json was cut to; ECharts draws y downwards. */
const projection = {
  project: (p: number[]): number[] => {
    const [x, y] = laea(p);
    return [x, -y];
  },
  unproject: ([x, y]: number[]): number[] => laeaInverse([x!, -y!]),
};

/** Above the top of the scale: a class of its own, darker than the scale's darkest. */
const OVER = '#3f007d';

export interface MapArea {
  /** The country's ISO 3166-1 numeric code, as the map's features are named ("528"). */
  id: string;
  /** The figure shading it; null for a state without one (drawn hatched, apart from the scale). */
  value: number | null;
  /** Its tooltip, as HTML (escape what comes from outside). */
  tooltip: string;
}

export interface EuropeMapProps {
  areas: MapArea[];
  label: string;
  /** The top of the scale (its bottom is 0). */
  max: number;
  /** A value of the scale as text ("20 %"): its ends, and the pointer's place on it. */
  format: (value: number) => string;
  height?: number;
  /** The legend of the values above `max`, shaded apart (their tooltip keeps the true figure): "over 100 %". */
  over?: string;
}

/** Europe, the given countries shaded on a light-to-dark scale; every other country pale grey, without a tooltip. */
export default function EuropeMap({ areas, label, max, format, over, height = 520 }: EuropeMapProps) {
  const option = useMemo((): ChartOption => {
    const tooltips = new Map(areas.map((a) => [a.id, a.tooltip]));
    const above = (v: number | null) => v !== null && v > max;
    const anyAbove = areas.some((a) => above(a.value));
    return {
      // The class above the scale: its own swatch and words under the scale.
      ...(anyAbove && over
        ? {
            graphic: [
              { type: 'rect', left: 0, bottom: 160, shape: { width: 20, height: 14 }, style: { fill: OVER, stroke: COLOURS.ink } },
              { type: 'text', left: 26, bottom: 160, style: { text: over, fill: COLOURS.ink, font: '12px sans-serif' } },
            ],
          }
        : {}),
      tooltip: { trigger: 'item', formatter: (p) => tooltips.get((p as { name: string }).name) ?? '' },
      visualMap: {
        type: 'continuous',
        min: 0,
        max,
        text: [format(max), format(0)],
        formatter: (v: unknown) => format(Number(v)),
        inRange: { color: [...COLOURS.scale] },
        left: 0,
        bottom: 8,
        itemHeight: 120,
        calculable: false,
        textStyle: { color: COLOURS.ink },
        seriesIndex: 0,
      },
      series: [
        {
          type: 'map',
          map: 'europe',
          projection,
          roam: false,
          selectedMode: false,
          // Room on the left for the scale, so that it covers no country.
          left: 72,
          right: 0,
          top: 0,
          bottom: 0,
          itemStyle: { areaColor: COLOURS.outside, borderColor: COLOURS.outsideEdge, borderWidth: 0.5 },
          // Countries outside the round do not react to the pointer; the states get a thick edge.
          emphasis: { disabled: true },
          data: areas.map((a) =>
            above(a.value)
              ? {
                  name: a.id,
                  value: Number.NaN,
                  itemStyle: { areaColor: OVER, borderColor: COLOURS.ink },
                  emphasis: { disabled: false, label: { show: false }, itemStyle: { borderWidth: 2.5, areaColor: COLOURS.highlight } },
                }
              : a.value === null
                ? {
                    name: a.id,
                    value: Number.NaN,
                    emphasis: { disabled: false, label: { show: false }, itemStyle: { borderWidth: 2.5, areaColor: COLOURS.highlight } },
                    itemStyle: {
                      areaColor: COLOURS.noPledge,
                      borderColor: COLOURS.muted,
                      decal: {
                        symbol: 'rect',
                        symbolSize: 1,
                        dashArrayX: [1, 0],
                        dashArrayY: [1.5, 4],
                        rotation: Math.PI / 4,
                        color: COLOURS.hatch,
                      },
                    },
                  }
                : {
                    name: a.id,
                    value: a.value,
                    itemStyle: { borderColor: COLOURS.ink },
                    emphasis: { disabled: false, label: { show: false }, itemStyle: { borderWidth: 2.5, areaColor: COLOURS.highlight } },
                  },
          ),
        },
      ],
    };
  }, [areas, max, format, over]);
  return <Chart option={option} label={label} height={height} />;
}
