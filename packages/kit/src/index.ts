export {
  readString,
  readSecret,
  readBoolean,
  readEnum,
  readList,
  readMultiline,
  readInteger,
  readPath,
  checkPath,
  maskSecret,
} from './inputs.js';
export type { StringOptions, PathOptions } from './inputs.js';
export { setOutput, setOutputs, addPath, exportVariable } from './outputs.js';
export type { OutputValue } from './outputs.js';
export { actionLogger } from './logger.js';
export type { ActionLogger } from './logger.js';
export { writeSummary } from './summary.js';
export { runAction } from './run-action.js';
export { annotate } from './annotations.js';
export type { AnnotationLevel, AnnotationLocation } from './annotations.js';
export { workspace, runnerTemp } from './runner-paths.js';
