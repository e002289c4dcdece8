export type { HelmErrorCode } from './errors.js';
export { publishChart, defaultChartDestination } from './publish.js';
export type { ChartOptions, ChartReport } from './publish.js';
export { chartOutputs, renderChartSummary, renderChartText } from './report.js';
export { parsePushOutput, chartRegistry, readChartMetadata } from './chart.js';
export type { ChartResult, PackagedChart } from './chart.js';
