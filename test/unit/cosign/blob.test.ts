import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as glob from '@actions/glob';
import { describeError, InputError, silentLogger } from '@release-actions/core';
import {
  attestFiles,
  checkBundlePath,
  checkSomethingToSign,
  checksumsText,
  combinedOutputs,
  expandBlobFiles,
  fileAttestationOf,
  parseBundle,
  signFiles,
} from '@release-actions/cosign';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakesBin } from '../../harness/run-bundle.js';
import { readCalls } from '../../harness/run-cli.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'blob-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let workspace: string;
let counter = 0;
beforeEach(() => {
  workspace = path.join(scratch, `ws-${++counter}`);
  mkdirSync(path.join(workspace, 'dist'), { recursive: true });
  writeFileSync(path.join(workspace, 'dist', 'app-linux-amd64'), 'amd64 binary\n');
  writeFileSync(path.join(workspace, 'dist', 'app-linux-arm64'), 'arm64 binary\n');
  writeFileSync(path.join(workspace, 'dist', 'app.tar.gz'), 'archive\n');
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const loadGlob = async () => glob;
const expand = (lines: string[], extra: { exclude?: string[] } = {}) =>
  expandBlobFiles(lines, { input: 'files', workspace, confine: true, loadGlob, ...extra });

/** The one line a user sees for an error, as the action prints it. */
async function errorLine(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const line = describeError(error);
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected an error');
}

describe('expandBlobFiles', () => {
  it('takes plain paths and patterns, sorted, each once, never an earlier bundle or an excluded file', async () => {
    writeFileSync(path.join(workspace, 'dist', 'app.tar.gz.sigstore.json'), '{}');
    writeFileSync(path.join(workspace, 'dist', 'checksums.txt'), 'old');
    const files = await expand(['dist/app.tar.gz', 'dist/*', '!dist/app-linux-arm64'], {
      exclude: ['dist/checksums.txt'],
    });
    expect(files).toEqual([
      path.join(workspace, 'dist', 'app-linux-amd64'),
      path.join(workspace, 'dist', 'app.tar.gz'),
    ]);
  });

  it('refuses a directory in one line naming the input', async () => {
    expect(await errorLine(expand(['dist']))).toBe(
      `Input 'files': "dist" is a directory; give a release file to sign (a binary or an archive): a regular file of at most 2048 MiB.`,
    );
  });

  it('refuses a file outside the workspace, also through a symbolic link', async () => {
    const outside = path.join(scratch, `outside-${counter}`);
    writeFileSync(outside, 'secret');
    expect(await errorLine(expand([outside]))).toBe(
      `Input 'files': "${outside}" is outside the workspace ${workspace}; give files inside it.`,
    );
    symlinkSync(outside, path.join(workspace, 'link'));
    expect(await errorLine(expand(['link']))).toBe(
      `Input 'files': "link" is outside the workspace ${workspace}; give files inside it.`,
    );
  });

  it('refuses a missing file and a pattern that matches nothing', async () => {
    expect(await errorLine(expand(['dist/nope']))).toBe(`Input 'files': "dist/nope" does not exist.`);
    expect(await errorLine(expand(['dist/*.zip']))).toBe(
      `Input 'files': the pattern "dist/*.zip" matches no file to sign.`,
    );
  });

  it('refuses a pattern where no matcher is given (the command line)', async () => {
    const line = await errorLine(expandBlobFiles(['dist/*'], { input: 'files', workspace, confine: false }));
    expect(line).toBe(`Input 'files': "dist/*" is a pattern; give the files by name here.`);
  });
});

describe('checkSomethingToSign', () => {
  it('refuses no images and no files in one line naming both inputs', () => {
    let line = '';
    try {
      checkSomethingToSign([], [], 'images');
    } catch (error) {
      line = describeError(error);
    }
    expect(line).toBe("Nothing to sign: give 'images' (image references), 'files' (release files), or both.");
    expect(() => checkSomethingToSign([], ['a'], 'images')).not.toThrow();
  });
});

describe('checksumsText', () => {
  it('writes sha256sum lines sorted by base name, the same bytes whatever the order given', () => {
    const entries = [
      { file: '/w/dist/b.tar.gz', sha256: sha('b') },
      { file: '/w/dist/a.zip', sha256: sha('a') },
      { file: '/w/other/C', sha256: sha('c') },
    ];
    const text = checksumsText(entries);
    expect(text).toBe(`${sha('c')}  C\n${sha('a')}  a.zip\n${sha('b')}  b.tar.gz\n`);
    expect(checksumsText([...entries].reverse())).toBe(text);
  });

  it('refuses two files of one name', () => {
    expect(() =>
      checksumsText([
        { file: '/w/a/app', sha256: sha('1') },
        { file: '/w/b/app', sha256: sha('2') },
      ]),
    ).toThrow('"/w/a/app" and "/w/b/app" have the same name "app"');
  });
});

describe('checkBundlePath', () => {
  it('replaces an earlier bundle and refuses anything else in the way', () => {
    const bundle = path.join(workspace, 'dist', 'app.tar.gz.sigstore.json');
    expect(() => checkBundlePath(bundle, 'files')).not.toThrow();
    writeFileSync(bundle, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }));
    expect(() => checkBundlePath(bundle, 'files')).not.toThrow();
    writeFileSync(bundle, 'my notes');
    expect(() => checkBundlePath(bundle, 'files')).toThrow(
      `"${bundle}" is in the way of the bundle to write there: it is not a Sigstore bundle.`,
    );
    rmSync(bundle);
    mkdirSync(bundle);
    expect(() => checkBundlePath(bundle, 'files')).toThrow('it is not a regular file');
  });
});

describe('signFiles and attestFiles with the fake cosign', () => {
  const saved = { ...process.env };
  let log: string;
  beforeEach(() => {
    log = path.join(workspace, 'calls.jsonl');
    process.env.FAKE_LOG = log;
    process.env.PATH = `${fakesBin}${path.delimiter}${saved.PATH ?? ''}`;
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/never',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'token',
  };
  const base = () => ({ tempRoot: workspace, logger: silentLogger, env });

  it('signs each file with sign-blob, the bundle beside it', async () => {
    const files = await expand(['dist/app-linux-amd64', 'dist/app.tar.gz']);
    const report = await signFiles({ ...base(), files });
    expect(readCalls(log).map((c) => c.argv)).toEqual(
      files.map((file) => ['sign-blob', '--yes', '--bundle', `${file}.sigstore.json`, file]),
    );
    expect(report.signed).toBe(true);
    expect(report.records.map((r) => [r.file, r.bundle, r.sha256])).toEqual([
      [files[0], `${files[0]}.sigstore.json`, sha('amd64 binary\n')],
      [files[1], `${files[1]}.sigstore.json`, sha('archive\n')],
    ]);
    const bundle = JSON.parse(readFileSync(`${files[0]}.sigstore.json`, 'utf8'));
    expect(bundle.messageSignature.messageDigest.digest).toBe(
      Buffer.from(sha('amd64 binary\n'), 'hex').toString('base64'),
    );
    expect(report.records[0]!.logIndex).toBe(Number(bundle.verificationMaterial.tlogEntries[0].logIndex));
    const outputs = combinedOutputs(undefined, report);
    expect(outputs['file-bundles']).toEqual(
      report.records.map((r) => ({
        file: r.file,
        bundle: r.bundle,
        sha256: r.sha256,
        rekorLogIndex: r.logIndex,
      })),
    );
    expect(outputs.digests).toEqual([]);
    expect(outputs['rekor-urls']).toEqual(report.records.map((r) => r.rekorUrl));
  });

  it('with a checksums file: writes the sums and signs only that file, with the key and private files', async () => {
    const files = await expand(['dist/*']);
    const checksums = path.join(workspace, 'dist', 'checksums.txt');
    const config = path.join(workspace, 'signing_config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        rekorTlogUrls: [],
      }),
    );
    const report = await signFiles({
      ...base(),
      files,
      checksumsFile: checksums,
      key: 'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k',
      signingConfig: config,
    });
    expect(readFileSync(checksums, 'utf8')).toBe(
      [
        `${sha('amd64 binary\n')}  app-linux-amd64`,
        `${sha('arm64 binary\n')}  app-linux-arm64`,
        `${sha('archive\n')}  app.tar.gz`,
        '',
      ].join('\n'),
    );
    expect(readCalls(log).map((c) => c.argv)).toEqual([
      [
        'sign-blob',
        '--yes',
        '--key',
        'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k',
        '--signing-config',
        config,
        '--bundle',
        `${checksums}.sigstore.json`,
        checksums,
      ],
    ]);
    expect(report.records).toHaveLength(1);
    expect(report.records[0]).toMatchObject({
      file: checksums,
      sha256: sha(readFileSync(checksums, 'utf8')),
      covers: files,
    });
    // Offline: no log entry.
    expect(report.records[0]!.logIndex).toBeUndefined();
  });

  it('without an OIDC token: skips with nothing signed, the checksums still written', async () => {
    const files = await expand(['dist/app.tar.gz']);
    const checksums = path.join(workspace, 'SHA256SUMS');
    const report = await signFiles({ ...base(), env: {}, files, checksumsFile: checksums });
    expect(report).toMatchObject({ signed: false, mode: 'skipped', records: [] });
    expect(readFileSync(checksums, 'utf8')).toBe(`${sha('archive\n')}  app.tar.gz\n`);
    expect(readCalls(log)).toEqual([]);
  });

  it('refuses a checksums file that is one of the files, before signing', async () => {
    const files = await expand(['dist/app.tar.gz']);
    await expect(signFiles({ ...base(), files, checksumsFile: files[0] })).rejects.toThrow(
      'is one of the files to sign',
    );
    expect(readCalls(log)).toEqual([]);
  });

  it('attests each file with attest-blob, the bundle named after the type', async () => {
    const files = await expand(['dist/app-linux-amd64']);
    const predicate = path.join(workspace, 'provenance.json');
    writeFileSync(predicate, JSON.stringify({ buildType: 'x' }));
    const report = await attestFiles({ ...base(), files, predicate, type: 'slsaprovenance1' });
    expect(readCalls(log).map((c) => c.argv)).toEqual([
      [
        'attest-blob',
        '--yes',
        '--predicate',
        predicate,
        '--type',
        'slsaprovenance1',
        '--bundle',
        `${files[0]}.slsaprovenance1.sigstore.json`,
        files[0],
      ],
    ]);
    expect(report.records[0]).toMatchObject({
      predicateType: 'slsaprovenance1',
      sha256: sha('amd64 binary\n'),
    });
  });

  it('refuses files without a predicate, and an image-only input without a subject', () => {
    const files = [path.join(workspace, 'dist', 'app.tar.gz')];
    expect(() => fileAttestationOf({ ...base() }, files)).toThrow(
      "a file is attested with 'predicate' (and 'type'); give one.",
    );
    let line = '';
    try {
      fileAttestationOf({ ...base(), vex: path.join(workspace, 'vex.json') }, files);
    } catch (error) {
      line = describeError(error);
    }
    expect(line).toBe(
      "Input 'vex': it is attested on an image, and no 'subject' was given; attest a file with 'predicate' and 'type'.",
    );
  });
});

describe('parseBundle of a log that is new', () => {
  it('reads an entry without logIndex as index 0, as protobuf JSON leaves out a zero', () => {
    const entry = { kindVersion: { kind: 'hashedrekord', version: '0.0.2' }, logId: { keyId: 'aWQ=' } };
    const text = JSON.stringify({ mediaType: 'm', verificationMaterial: { tlogEntries: [entry] } });
    expect(parseBundle(text).logIndex).toBe(0);
    expect(
      parseBundle(JSON.stringify({ verificationMaterial: { tlogEntries: [] } })).logIndex,
    ).toBeUndefined();
  });
});
