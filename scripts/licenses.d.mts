// Types of scripts/licenses.mjs, for the license test.
import type { Metafile } from 'esbuild';

export const LICENSES_FILE: string;
export const WITHOUT_LICENSE_FILE: Record<string, { note: string; filesOf?: string }>;
export function packageFolder(file: string): string | undefined;
export function bundledPackageFolders(metafile: Metafile): string[];
export function licenseFileNames(folder: string): string[];
export function noticeText(file: string): string;
export function packageHeading(name: string, version: string): string;
export function renderLicenses(root: string, folders: string[], bundleName: string): string;
export function licensesOf(root: string, metafile: Metafile, bundleName: string): string;
