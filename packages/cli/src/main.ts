#!/usr/bin/env node
import { createProgram, main } from './program.js';
import { registerInstall } from './commands/install.js';
import { registerAudit } from './commands/audit.js';

// One line per subcommand; each lives in ./commands/<name>.ts.
const program = createProgram([registerAudit, registerInstall]);

await main(program, process.argv);
