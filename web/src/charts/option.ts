import type { BarSeriesOption, CustomSeriesOption, LineSeriesOption, MapSeriesOption } from 'echarts/charts';
import type {
  AriaComponentOption,
  DatasetComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

/** The options the charts accept: the series and components registered in chart.tsx (types only: nothing of ECharts is loaded by importing this). */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | MapSeriesOption
  | CustomSeriesOption
  | AriaComponentOption
  | DatasetComponentOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | TitleComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/** A custom series' drawing function (the error bars of the forecast). */
export type RenderItem = Extract<NonNullable<CustomSeriesOption['renderItem']>, (...args: never[]) => unknown>;
