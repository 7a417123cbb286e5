import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { init, use, type EChartsType } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChartOption } from './option.ts';
import { COLOURS, FONT } from './style.ts';

// Only what the dashboard draws (the map's series is added by europe-map.tsx, in its own chunk).
// SVG: sharp at any zoom and in print.
use([
  BarChart,
  LineChart,
  CustomChart,
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

export interface ChartProps {
  option: ChartOption;
  /** What the chart shows, in a sentence: its accessible name (the table view holds every figure). */
  label: string;
  height?: number;
}

/**
 * One ECharts chart: an image to assistive technology (role="img", named by `label`, which is also
 * ECharts' aria description), the house's font and ink, no animation for those who ask for less
 * motion, redrawn when its box changes size (the window, the layout).
 */
export default function Chart({ option, label, height = 360 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const el = box.current!;
    const c = init(el, null, { renderer: 'svg' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: !reducedMotion(),
        textStyle: { fontFamily: FONT, color: COLOURS.ink, fontSize: 13 },
        tooltip: { confine: true, textStyle: { color: COLOURS.ink, fontFamily: FONT }, borderColor: COLOURS.muted },
        ...option,
        aria: { enabled: true, label: { enabled: true, description: label } },
      },
      { notMerge: true },
    );
  }, [option, label]);

  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} />;
}
