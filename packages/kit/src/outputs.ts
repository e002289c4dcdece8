import * as core from '@actions/core';

export type OutputValue = string | number | boolean | readonly unknown[] | Record<string, unknown>;

/** Strings go as they are; numbers and booleans as text; lists and objects as JSON. */
export function setOutput(name: string, value: OutputValue): void {
  core.setOutput(name, typeof value === 'string' ? value : JSON.stringify(value));
}

/** Every output of a step at once, as the package's `<name>Outputs(result)` returns them. */
export function setOutputs(outputs: Readonly<Record<string, OutputValue>>): void {
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
}

export function addPath(directory: string): void {
  core.addPath(directory);
}

export function exportVariable(name: string, value: string): void {
  core.exportVariable(name, value);
}
