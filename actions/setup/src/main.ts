import {
  actionLogger,
  addPath,
  readList,
  readString,
  runAction,
  setOutputs,
  writeSummary,
} from '@release-actions/kit';
import { Markdown } from '@release-actions/core';
import {
  installMany,
  renderSetupSummary,
  runnerToolCache,
  setupOutputs,
  TOOL_NAMES,
  type InstallRequest,
} from '@release-actions/tools';

await runAction(async () => {
  const tools = readList('tools', { accepted: TOOL_NAMES, default: [...TOOL_NAMES] });
  const mirror = readString('mirror');
  const overrides: Record<string, Omit<InstallRequest, 'tool'>> = {
    cosign: { version: readString('cosign-version'), sha256: readString('cosign-sha256') },
    syft: { version: readString('syft-version'), sha256: readString('syft-sha256') },
    grype: { version: readString('grype-version'), sha256: readString('grype-sha256') },
    'slsa-verifier': {
      version: readString('slsa-verifier-version'),
      sha256: readString('slsa-verifier-sha256'),
    },
    helm: { version: readString('helm-version'), sha256: readString('helm-sha256') },
  };

  const installed = await installMany(
    tools.map((tool) => ({ tool, ...overrides[tool] })),
    { mirror, mirrorSetting: "the 'mirror' input", logger: actionLogger, toolCache: runnerToolCache() },
  );

  for (const tool of installed) addPath(tool.dir);
  setOutputs(setupOutputs(installed));
  await writeSummary(renderSetupSummary(installed, new Markdown()));
});
