export { LineChart, type LineChartProps, type LineSeries, type LinePoint, type LineBand, type LegendEntry } from './LineChart.tsx';
