export { createProgram, main, action } from './program.js';
export type { CommandContext, CommandBody } from './program.js';
export { reporting, writeWhole } from './output.js';
export type { Report, OutputFormat } from './output.js';
