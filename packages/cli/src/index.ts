export { createProgram, main, action } from './program.js';
export type { CommandContext, CommandBody } from './program.js';
