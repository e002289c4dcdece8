#!/usr/bin/env node
import { createProgram, main } from './program.js';
import { registerAudit } from './commands/audit.js';

// One line per subcommand; each lives in ./commands/<name>.ts.
const program = createProgram([registerAudit]);

await main(program, process.argv);
