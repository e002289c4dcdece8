import type { Logger } from '@release-actions/core';

/**
 * Progress goes to stderr so that stdout carries only the command's result (text, JSON, SARIF).
 * Under -q only problems remain: warnings (and errors, which the program prints).
 */
export function consoleLogger(options: { verbose?: boolean; quiet?: boolean } = {}): Logger {
  const write = (line: string) => process.stderr.write(`${line}\n`);
  return {
    debug: (message) => (options.verbose ? write(`debug: ${message}`) : undefined),
    info: (message) => (options.quiet ? undefined : write(message)),
    notice: (message) => (options.quiet ? undefined : write(`notice: ${message}`)),
    warning: (message) => write(`warning: ${message}`),
  };
}
