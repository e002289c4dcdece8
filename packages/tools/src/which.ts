import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The first executable file named `tool` on PATH, as a shell would find it (PATHEXT on Windows).
 * Ours rather than @actions/io's which(): @actions/* stays inside packages/kit (the runner
 * front end), and this package also serves the CLI, where there is no runner.
 */
export function findOnPath(tool: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (tool.includes('/') || tool.includes(path.sep)) return undefined;
  const extensions =
    process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  for (const directory of (env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    for (const extension of extensions) {
      const candidate = path.join(directory, tool + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(candidate: string): boolean {
  try {
    if (!statSync(candidate).isFile()) return false;
    accessSync(candidate, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
