#!/usr/bin/env node
/** The `bulkwright` bin: runs the CLI on this process (run-cli.ts) and exits with its code. */
import { EXIT_FATAL, messageOf } from './output.js';
import { createRedactor, secretsOf } from './redact.js';
import { runCli } from './run-cli.js';

const argv = process.argv.slice(2);
const redact = createRedactor(secretsOf([...argv, process.env.MONGODB_URI]));
// Node prints warnings itself; route them through the redactor instead.
process.removeAllListeners('warning');
process.on('warning', (warning) =>
  process.stderr.write(`${redact(`bulkwright: warning: ${warning.name}: ${warning.message}`)}\n`),
);

runCli(argv).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `${createRedactor(secretsOf([...process.argv, process.env.MONGODB_URI]))(`bulkwright: ${messageOf(error)}`)}\n`,
    );
    process.exit(EXIT_FATAL);
  },
);
