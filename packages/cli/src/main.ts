#!/usr/bin/env node
import { createProgram, main } from './program.js';

// One line per subcommand; each lives in ./commands/<name>.ts.
const program = createProgram([]);

await main(program, process.argv);
