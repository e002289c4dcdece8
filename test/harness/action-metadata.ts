import { afterAll } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/** The parts of an action.yml the repository tests read. */
export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: unknown;
}

export interface ActionMetadata {
  inputs?: Record<string, ActionInput | null>;
  outputs?: Record<string, unknown>;
  runs?: { using?: string; main?: string; steps?: unknown[] };
}

/** `<root>/<name>/action.yml`, parsed (an empty file as {}), or undefined when there is none; '' names the root action. */
export function readActionMetadata(root: string, name: string): ActionMetadata | undefined {
  const file = path.join(root, name, 'action.yml');
  if (!existsSync(file)) return undefined;
  return (parse(readFileSync(file, 'utf8')) ?? {}) as ActionMetadata;
}

/** The folders of `root` that hold an action.yml (users' `owner/repo/<name>@ref`), sorted. */
export function actionFolders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .filter((entry) => existsSync(path.join(root, entry.name, 'action.yml')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * A made-up repository under the system temp directory for one describe block (removed after
 * it): `write` creates a file and its folders.
 */
export function madeUpRepository(prefix: string): { root: string; write(file: string, text: string): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    write(file, text) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    },
  };
}
