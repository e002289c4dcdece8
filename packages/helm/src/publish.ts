import { checkInputFile, InputError, mention } from '@release-actions/core';
import type { RetryPolicy } from '@release-actions/core';
import { withRegistrySession, type RegistryLoginOptions } from '@release-actions/oci';
import path from 'node:path';
import {
  chartPackageFile,
  chartRegistry,
  chartYamlFile,
  packageChart,
  pushChart,
  type ChartResult,
  type PackagedChart,
} from './chart.js';

export interface ChartOptions extends RegistryLoginOptions {
  /** A chart directory to package (the `path` input) … */
  chartDirectory?: string;
  /** … or a chart packaged earlier with push: false (the `package` input), to push. */
  package?: string;
  /** Push to `registry` (default true); false packages only. */
  push?: boolean;
  /** Where to push: `oci://<registry host>/<path>`. */
  registry?: string;
  /** Overrides of Chart.yaml's version and appVersion when packaging. */
  version?: string;
  appVersion?: string;
  /** Directory for the packaged .tgz (default: `helm-charts` under tempRoot). */
  destination?: string;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** Where a chart is packaged unless told otherwise; a later chart step may push a package from here. */
export function defaultChartDestination(tempRoot: string): string {
  return path.join(tempRoot, 'helm-charts');
}

/** What the chart step did: packaged only (push: false), or pushed (or found already pushed). */
export type ChartReport = (PackagedChart & { pushed: false }) | ChartResult;

export function isPushReport(report: ChartReport): report is ChartResult {
  return 'reference' in report;
}

function checkInputs(options: ChartOptions, push: boolean): void {
  if ((options.chartDirectory === undefined) === (options.package === undefined)) {
    throw new InputError(
      `Give exactly one of ${mention('path')} (a chart directory to package) or ${mention('package')} (a .tgz packaged earlier without pushing).`,
    );
  }
  if (options.package !== undefined && !push) {
    throw new InputError(
      `false with ${mention('package')} would do nothing; ${mention('package')} is for pushing.`,
      {
        input: 'push',
      },
    );
  }
  if (options.package !== undefined && (options.version !== undefined || options.appVersion !== undefined)) {
    throw new InputError(
      `Inputs 'version' and 'app-version' apply when packaging; give them to the step that packages 'path'.`,
    );
  }
  if (options.chartDirectory !== undefined) chartYamlFile(options.chartDirectory);
  if (options.package !== undefined) checkInputFile(options.package, chartPackageFile('package'));
  if (push && options.registry === undefined) {
    throw new InputError(
      'a location is required to push (oci://<registry host>/<path>); or set push: false.',
      {
        input: 'registry',
      },
    );
  }
}

/**
 * The chart step: packages a chart directory (helm dependency build, helm package) and pushes it
 * unless told not to, or pushes a chart packaged earlier, all in one registry session whose
 * Docker config helm reads.
 */
export async function publishChart(options: ChartOptions): Promise<ChartReport> {
  const push = options.push ?? true;
  checkInputs(options, push);
  const registry = options.registry === undefined ? undefined : chartRegistry(options.registry);
  return withRegistrySession(
    registry === undefined
      ? // Without a registry location there is nothing a login could be for.
        {
          ...options,
          registryUsername: undefined,
          registryPassword: undefined,
          location: '',
          input: 'registry',
        }
      : { ...options, location: registry, input: 'registry' },
    async (session) => {
      const registryConfigFile = session.dockerConfig?.file;
      const packaged =
        options.chartDirectory === undefined
          ? undefined
          : await packageChart({
              chartDirectory: options.chartDirectory,
              destination: options.destination ?? defaultChartDestination(options.tempRoot),
              version: options.version,
              appVersion: options.appVersion,
              registryConfigFile,
              logger: options.logger,
              secrets: session.secrets,
            });
      if (!push || registry === undefined) return { ...(packaged as PackagedChart), pushed: false };
      return pushChart({
        package: packaged?.package ?? (options.package as string),
        input: packaged ? 'path' : 'package',
        registry,
        registryConfigFile,
        client: session.client,
        logger: options.logger,
        retry: options.retry,
        secrets: session.secrets,
        sleep: options.sleep,
      });
    },
  );
}
