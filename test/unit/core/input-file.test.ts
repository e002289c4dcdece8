import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  cliInputNames,
  describeError,
  formatLimit,
  InputError,
  inputFileChunks,
  readInputBytes,
  readInputFile,
} from '@release-actions/core';

let dir: string;
const at = (name: string) => path.join(dir, name);
const options = { input: 'report', maxBytes: 1024, what: 'a grype JSON report' };

/** The error a read throws, as the CLI prints it. */
function refusal(file: string, opts: Parameters<typeof readInputFile>[1] = options): InputError {
  try {
    readInputFile(file, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`${file} was read`);
}

const line = (error: InputError) => describeError(error, cliInputNames());

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'input-file-'));
  writeFileSync(at('report.json'), '{"matches": []}');
  mkdirSync(at('folder'));
  execFileSync('mkfifo', [at('pipe')]);
  symlinkSync(at('pipe'), at('link-to-pipe'));
  writeFileSync(at('sparse'), '');
  truncateSync(at('sparse'), 5 * 1024 * 1024);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readInputFile', () => {
  it('reads a regular file', () => {
    expect(readInputFile(at('report.json'), options)).toBe('{"matches": []}');
    expect(readInputBytes(at('report.json'), options)).toEqual(Buffer.from('{"matches": []}'));
  });

  it('reads an empty file and a file exactly at the limit', () => {
    writeFileSync(at('empty'), '');
    expect(readInputFile(at('empty'), options)).toBe('');
    writeFileSync(at('full'), 'x'.repeat(1024));
    expect(readInputFile(at('full'), options)).toHaveLength(1024);
  });

  it('refuses a missing path, naming the input and what is accepted', () => {
    const error = refusal(at('absent.json'));
    expect(error.input).toBe('report');
    expect(error.code).toBe('INPUT_INVALID');
    expect(line(error)).toBe(
      `--report: "${at('absent.json')}" does not exist; give a grype JSON report: a regular file of at most 1 KiB.`,
    );
  });

  it('refuses a directory', () => {
    expect(line(refusal(at('folder')))).toContain(
      `"${at('folder')}" is a directory; give a grype JSON report`,
    );
  });

  it('refuses a named pipe without waiting for a writer', () => {
    expect(refusal(at('pipe')).message).toContain('is a named pipe (FIFO)');
  });

  it('refuses a symbolic link to a named pipe', () => {
    expect(refusal(at('link-to-pipe')).message).toContain('is a named pipe (FIFO)');
  });

  it('refuses a character device such as /dev/zero', () => {
    expect(refusal('/dev/zero').message).toContain('"/dev/zero" is a character device');
  });

  it('refuses a socket', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(at('socket'), resolve));
    try {
      expect(refusal(at('socket')).message).toContain('is a socket');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a file over the limit before reading it, with the code given for it', () => {
    const error = refusal(at('sparse'), { ...options, code: 'REPORT_INVALID', tooLargeCode: 'TOO_LARGE' });
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(
      `Input 'report': "${at('sparse')}" is 5242880 bytes, over the limit; give a grype JSON report: a regular file of at most 1 KiB.`,
    );
  });

  it('uses the code given for a refused file', () => {
    expect(refusal(at('folder'), { ...options, code: 'REPORT_INVALID' }).code).toBe('REPORT_INVALID');
  });

  it('says "a regular file" when not told what the file is', () => {
    expect(refusal(at('folder'), { input: 'key', maxBytes: 64 * 1024 }).message).toBe(
      `Input 'key': "${at('folder')}" is a directory; give a regular file of at most 64 KiB.`,
    );
  });
});

describe('inputFileChunks', () => {
  it('yields the whole file in chunks', () => {
    writeFileSync(at('chunked'), 'abcdefghij');
    const chunks = [...inputFileChunks(at('chunked'), options, 4)].map((c) => c.toString());
    expect(chunks).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('refuses what readInputFile refuses before yielding anything', () => {
    expect(() => [...inputFileChunks('/dev/zero', options)]).toThrow('is a character device');
    expect(() => [...inputFileChunks(at('sparse'), options)]).toThrow('over the limit');
  });

  it('stops a file that grows past the limit while it is read', () => {
    writeFileSync(at('growing'), 'x'.repeat(1000));
    const chunks = inputFileChunks(at('growing'), options, 512);
    expect(chunks.next().value).toHaveLength(512);
    appendFileSync(at('growing'), 'y'.repeat(1000));
    expect(() => [...chunks]).toThrow('grew over the limit while it was read');
  });
});

describe('formatLimit', () => {
  it('writes whole MiB and KiB as such, anything else in bytes', () => {
    expect(formatLimit(512 * 1024 * 1024)).toBe('512 MiB');
    expect(formatLimit(64 * 1024)).toBe('64 KiB');
    expect(formatLimit(500_000)).toBe('500000 bytes');
  });
});
