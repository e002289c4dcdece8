export { createProgram, main, action } from './program.js';
export type { CommandContext, CommandBody } from './program.js';
export { reporting } from './output.js';
export type { Report, OutputFormat } from './output.js';
