#!/usr/bin/env node
// Latchkey's command line. Until the server lands (issue "The server: SigV4 identities, the
// world, IAM / STS / Organizations APIs, durable state"), `serve` only says what it is.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const [command = 'serve'] = process.argv.slice(2);
if (command === '--version' || command === 'version') {
  console.log(version);
} else if (command === 'serve') {
  console.log(`Latchkey ${version}: the policy engine is built; the server is not yet (see README).`);
} else {
  console.error(`latchkey: unknown command '${command}'. Usage: latchkey serve | latchkey --version`);
  process.exitCode = 2;
}
