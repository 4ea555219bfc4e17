import type { TestProject } from 'vitest/node';
import { startServer } from '../../scripts/server.js';
import { type Capabilities, probeCapabilities } from './capabilities.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    serverDescription: string;
    capabilities: Capabilities;
  }
}

export default async function setup(project: TestProject) {
  const server = await startServer((line) => console.log(`[bulkwright tests] ${line}`));
  const capabilities = await probeCapabilities(server.uri);
  const missing = Object.entries(capabilities)
    .filter(([, has]) => !has)
    .map(([name]) => name);
  console.log(`[bulkwright tests] server: ${server.description}`);
  console.log(
    `[bulkwright tests] capabilities missing: ${missing.length ? missing.join(', ') : 'none'} (see docs/testing.md)`,
  );
  project.provide('mongoUri', server.uri);
  project.provide('serverDescription', server.description);
  project.provide('capabilities', capabilities);
  return async () => {
    await server.stop();
  };
}
