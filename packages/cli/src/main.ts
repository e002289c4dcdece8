#!/usr/bin/env node
import { createProgram, main } from './program.js';
import { registerAudit } from './commands/audit.js';
import { registerSign } from './commands/sign.js';
import { registerAttest } from './commands/attest.js';
import { registerChart } from './commands/chart.js';
import { registerInstall } from './commands/install.js';
import { registerSbom } from './commands/sbom.js';
import { registerScan } from './commands/scan.js';
import { registerPublish } from './commands/publish.js';
import { registerVerify } from './commands/verify.js';

// One line per subcommand; each lives in ./commands/<name>.ts.
const program = createProgram([
  registerAudit,
  registerSign,
  registerAttest,
  registerChart,
  registerInstall,
  registerSbom,
  registerScan,
  registerPublish,
  registerVerify,
]);

await main(program, process.argv);
