import { beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerAttest } from '../../../packages/cli/src/commands/attest.js';
import { registerSign } from '../../../packages/cli/src/commands/sign.js';
import { captureCli, readCalls, useFakeTools } from '../../harness/run-cli.js';
import { OIDC_ENV } from './helpers.js';

/** `release-actions sign --file` and `attest --file`, parsed by the real program, with the fake cosign. */
const { stdout, stderr, run: cli } = captureCli([registerSign, registerAttest]);
let dir: string;
let log: string;

beforeEach(() => {
  ({ dir, log } = useFakeTools('files-cli-'));
  process.env.RELEASE_ACTIONS_RETRY_DELAY_MS = '5';
  Object.assign(process.env, OIDC_ENV);
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist', 'tool-linux'), 'linux\n');
  writeFileSync(path.join(dir, 'dist', 'tool-windows.exe'), 'windows\n');
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('release-actions sign --file', () => {
  it('signs each --file with sign-blob and prints file-bundles', async () => {
    const files = ['tool-linux', 'tool-windows.exe'].map((f) => path.join(dir, 'dist', f));
    const code = await cli('sign', '--file', files[1]!, '--file', files[0]!, '--format', 'json');
    expect(stderr.join('')).not.toMatch(/^release-actions: /m);
    expect(code).toBe(0);
    expect(readCalls(log).map((c) => c.argv)).toEqual(
      files.map((file) => ['sign-blob', '--yes', '--bundle', `${file}.sigstore.json`, file]),
    );
    const result = JSON.parse(stdout.join(''));
    expect(result.signed).toBe(true);
    expect(result.digests).toEqual([]);
    expect(result['file-bundles'].map((b: { file: string; sha256: string }) => [b.file, b.sha256])).toEqual([
      [files[0], sha('linux\n')],
      [files[1], sha('windows\n')],
    ]);
  });

  it('--checksums-file writes the sums and signs that file only; text output names it', async () => {
    process.chdir(dir);
    const code = await cli(
      'sign',
      '--file',
      'dist/tool-linux',
      '--file',
      'dist/tool-windows.exe',
      '--checksums-file',
      'dist/SHA256SUMS',
    );
    expect(code).toBe(0);
    const sums = path.join(dir, 'dist', 'SHA256SUMS');
    expect(readFileSync(sums, 'utf8')).toBe(
      `${sha('linux\n')}  tool-linux\n${sha('windows\n')}  tool-windows.exe\n`,
    );
    expect(readCalls(log).map((c) => c.argv)).toEqual([
      ['sign-blob', '--yes', '--bundle', `${sums}.sigstore.json`, sums],
    ]);
    expect(stdout.join('')).toContain(`Files: 1 file(s) signed with cosign (keyless).`);
    expect(stdout.join('')).toContain(`${sums} (sums of 2 file(s))`);
  });

  it('names its flags in errors: nothing to sign, a directory', async () => {
    expect(await cli('sign')).toBe(2);
    expect(stderr.join('')).toBe(
      'release-actions: Nothing to sign: give <images> (image references), --file (release files), or both.\n',
    );
    stderr.length = 0;
    expect(await cli('sign', '--file', path.join(dir, 'dist'))).toBe(2);
    expect(stderr.join('')).toBe(
      `release-actions: --file: "${path.join(dir, 'dist')}" is a directory; give a release file to sign (a binary or an archive): a regular file of at most 2048 MiB.\n`,
    );
    expect(readCalls(log)).toEqual([]);
  });
});

describe('release-actions attest --file', () => {
  it('attests each --file with attest-blob and the predicate', async () => {
    const file = path.join(dir, 'dist', 'tool-linux');
    const predicate = path.join(dir, 'vuln.json');
    writeFileSync(predicate, JSON.stringify({ scanner: { uri: 'x' } }));
    const code = await cli(
      'attest',
      '--file',
      file,
      '--predicate',
      predicate,
      '--type',
      'https://example.com/scan/v1',
      '--format',
      'json',
    );
    expect(stderr.join('')).not.toMatch(/^release-actions: /m);
    expect(code).toBe(0);
    const bundle = `${file}.example.com_scan_v1.sigstore.json`;
    expect(readCalls(log).map((c) => c.argv)).toEqual([
      [
        'attest-blob',
        '--yes',
        '--predicate',
        predicate,
        '--type',
        'https://example.com/scan/v1',
        '--bundle',
        bundle,
        file,
      ],
    ]);
    expect(JSON.parse(stdout.join(''))['file-bundles']).toEqual([
      expect.objectContaining({ file, bundle, predicateType: 'https://example.com/scan/v1' }),
    ]);
  });
});
