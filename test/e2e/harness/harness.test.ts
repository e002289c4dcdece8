import { describe, expect, it } from '@jest/globals';
import {
  errors,
  inputVariable,
  parseFileCommand,
  parseWorkflowCommands,
  type BundleResult,
} from '../../harness/run-bundle.js';

describe('inputVariable: the runner name mangling', () => {
  it('upper-cases, turns spaces into underscores and keeps hyphens', () => {
    expect(inputVariable('image')).toBe('INPUT_IMAGE');
    expect(inputVariable('severity-cutoff')).toBe('INPUT_SEVERITY-CUTOFF');
    expect(inputVariable('output file')).toBe('INPUT_OUTPUT_FILE');
    expect(inputVariable('my input-name x')).toBe('INPUT_MY_INPUT-NAME_X');
  });
});

describe('parseFileCommand: GITHUB_OUTPUT and GITHUB_ENV', () => {
  it('reads name=value lines, keeping later = signs in the value', () => {
    expect(parseFileCommand('digest=sha256:abc\nurl=https://x/?a=b\nempty=\n')).toEqual({
      digest: 'sha256:abc',
      url: 'https://x/?a=b',
      empty: '',
    });
  });

  it('reads heredocs with any delimiter, across lines, next to plain lines', () => {
    const text = [
      'report<<ghadelimiter_1b2c',
      '{"a": 1,',
      ' "b": "x=y"}',
      'ghadelimiter_1b2c',
      'count=2',
      'empty<<EOF',
      'EOF',
      'notes<<END',
      'line with << inside',
      '',
      'END',
      '',
    ].join('\n');
    expect(parseFileCommand(text)).toEqual({
      report: '{"a": 1,\n "b": "x=y"}',
      count: '2',
      empty: '',
      notes: 'line with << inside\n',
    });
  });

  it('does not take a value containing << for a heredoc', () => {
    expect(parseFileCommand('shift=a<<b\n')).toEqual({ shift: 'a<<b' });
  });

  it('lets a later write of the same name win, as the runner does', () => {
    expect(parseFileCommand('a=1\na=2\n')).toEqual({ a: '2' });
  });
});

describe('parseWorkflowCommands: annotations and masks on stdout', () => {
  const stdout = [
    'plain log line',
    '::error::scan failed: 2 findings',
    '::warning file=sbom%2Cspdx.json,line=3,col=7,title=Ignore rule%3A expired::rule CVE-1 expired%0Aon 2025-01-01',
    '::notice title=Fork::no OIDC token; signing skipped',
    '::debug::100%25 done',
    '::add-mask::s3cr3t',
    '::add-mask::multi%0Aline',
    '::group::not an annotation',
    '::endgroup::',
    '  ::error::indented is not a command',
  ].join('\n');
  const { annotations, masks } = parseWorkflowCommands(stdout);

  it('reads level, message and properties with the runner escaping undone', () => {
    expect(annotations).toEqual([
      { level: 'error', message: 'scan failed: 2 findings', properties: {} },
      {
        level: 'warning',
        message: 'rule CVE-1 expired\non 2025-01-01',
        properties: { file: 'sbom,spdx.json', line: '3', col: '7', title: 'Ignore rule: expired' },
      },
      { level: 'notice', message: 'no OIDC token; signing skipped', properties: { title: 'Fork' } },
      { level: 'debug', message: '100% done', properties: {} },
    ]);
  });

  it('collects masks', () => {
    expect(masks).toEqual(['s3cr3t', 'multi\nline']);
  });

  it('errors() lists the error messages of a result', () => {
    expect(errors({ annotations } as BundleResult)).toEqual(['scan failed: 2 findings']);
  });

  it('handles Windows line ends', () => {
    expect(parseWorkflowCommands('::error::a\r\n::notice::b\r\n').annotations.map((a) => a.message)).toEqual([
      'a',
      'b',
    ]);
  });
});
