import * as core from '@actions/core';

/** What the domain packages log through; the actions pass this one, the CLI its own. */
export interface ActionLogger {
  debug(message: string): void;
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
}

export const actionLogger: ActionLogger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
};
