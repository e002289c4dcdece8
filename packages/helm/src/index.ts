export {
  publishChart,
  packageChart,
  pushChart,
  parsePushOutput,
  chartRegistry,
  readChartMetadata,
} from './chart.js';
export type { ChartOptions, ChartResult, PackageOptions, PushOptions, PackagedChart } from './chart.js';
export { readChartArchive, differingFiles, MAX_CHART_BYTES } from './chart-archive.js';
export type { ChartFiles } from './chart-archive.js';
