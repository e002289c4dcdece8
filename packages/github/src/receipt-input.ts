import { InputError } from '@release-actions/core';

/**
 * The receipt's input: the `needs` context of the job that writes it, as `${{ toJSON(needs) }}`
 * gives it (job id → its result and its outputs). Everything in it is display data written by
 * other jobs (and, through their outputs, by tools and registries): it is checked for shape here
 * and escaped where it is shown, never used to decide or to reach anything.
 */

export const JOB_RESULTS = ['success', 'failure', 'cancelled', 'skipped'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

export interface ReceiptJob {
  result: JobResult;
  /** Every output is a string; a job that set none (or was skipped) has `{}`. */
  outputs: Record<string, string>;
}

export type ReceiptInput = Record<string, ReceiptJob>;

/** More than a runner could hand to an action (an input is one environment variable). */
export const MAX_RECEIPT_INPUT_BYTES = 1_000_000;
const MAX_JOBS = 256;

/** The validated input; one InputError line naming `input` for anything else. */
export function parseReceiptInput(text: string, input: string): ReceiptInput {
  const accepted = "use the job's needs context as JSON: ${{ toJSON(needs) }}.";
  if (Buffer.byteLength(text) > MAX_RECEIPT_INPUT_BYTES) {
    throw new InputError(`larger than ${MAX_RECEIPT_INPUT_BYTES} bytes; ${accepted}`, { input });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`not valid JSON (${reason}); ${accepted}`, { input });
  }
  if (!isObject(value)) {
    throw new InputError(`not a JSON object of jobs; ${accepted}`, { input });
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_JOBS) {
    throw new InputError(`${entries.length} jobs, more than ${MAX_JOBS}; ${accepted}`, { input });
  }
  const jobs: ReceiptInput = {};
  for (const [id, job] of entries) {
    const where = `job ${JSON.stringify(id.slice(0, 64))}`;
    if (!isObject(job))
      throw new InputError(`${where} is not an object with result and outputs; ${accepted}`, { input });
    const result = job.result;
    if (typeof result !== 'string' || !(JOB_RESULTS as readonly string[]).includes(result)) {
      throw new InputError(
        `${where} has result ${JSON.stringify(String(result)).slice(0, 80)}; accepted: ${JOB_RESULTS.join(', ')}.`,
        { input },
      );
    }
    const outputs = job.outputs ?? {};
    if (!isObject(outputs))
      throw new InputError(`${where} has outputs that are not an object; ${accepted}`, { input });
    const strings: Record<string, string> = {};
    for (const [name, output] of Object.entries(outputs)) {
      // The runner gives every job output as a string; anything else is not what it wrote.
      if (typeof output !== 'string') {
        throw new InputError(
          `${where} has output ${JSON.stringify(name.slice(0, 64))} that is not a string; ${accepted}`,
          {
            input,
          },
        );
      }
      strings[name] = output;
    }
    jobs[id] = { result: result as JobResult, outputs: strings };
  }
  return jobs;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
