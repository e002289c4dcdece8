/**
 * What every benchmark reports: a measure of ours beside the reference measured in the same run,
 * and the bound the measure must stay within (checked, so `npm run bench` fails when a bound breaks).
 */
export interface Measure {
  name: string;
  ours: number;
  reference: number;
  referenceName: string;
  unit: 'ms' | 'MB';
  /** ours must be <= reference * maxRatio, or <= reference + maxExtra, when given. */
  maxRatio?: number;
  maxExtra?: number;
}

export class BenchReport {
  readonly measures: Measure[] = [];

  add(measure: Measure): void {
    this.measures.push(measure);
    const ratio = measure.reference > 0 ? measure.ours / measure.reference : Number.NaN;
    const bound =
      measure.maxRatio !== undefined
        ? `≤ ${measure.maxRatio}×`
        : measure.maxExtra !== undefined
          ? `≤ +${measure.maxExtra} ${measure.unit}`
          : '';
    process.stdout.write(
      `${measure.name.padEnd(44)} ${fmt(measure.ours, measure.unit).padStart(11)}   ${measure.referenceName} ${fmt(measure.reference, measure.unit)}   ${ratio.toFixed(2)}× ${bound} ${this.ok(measure) ? 'ok' : 'FAIL'}\n`,
    );
  }

  /** A measure with nothing of the same kind to run beside it (a step of a pipeline): printed, not bounded. */
  info(name: string, value: number, unit: Measure['unit']): void {
    process.stdout.write(`${name.padEnd(44)} ${fmt(value, unit).padStart(11)}\n`);
  }

  ok(measure: Measure): boolean {
    if (measure.maxRatio !== undefined && measure.ours > measure.reference * measure.maxRatio) return false;
    if (measure.maxExtra !== undefined && measure.ours > measure.reference + measure.maxExtra) return false;
    return true;
  }

  failures(): Measure[] {
    return this.measures.filter((m) => !this.ok(m));
  }
}

function fmt(value: number, unit: string): string {
  return `${value.toFixed(1)} ${unit}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A benchmark module: bench/<name>.bench.ts with `export default async function (report) {}`. */
export type Benchmark = (report: BenchReport) => Promise<void>;
