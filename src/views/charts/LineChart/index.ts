export { LineChart, type LineChartProps, type LineSeries, type LinePoint, type LegendEntry } from './LineChart.tsx';
