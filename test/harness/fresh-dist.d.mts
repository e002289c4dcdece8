// Types of test/harness/fresh-dist.mjs (jest's global setup of the e2e project), for its test.
export default function freshDist(globalConfig: unknown, projectConfig: { rootDir: string }): void;
