import { afterAll, describe, expect, it } from '@jest/globals';
import { InputError, OperationalError } from '@release-actions/core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  chooseMode,
  expandSubjects,
  prepareSigningKey,
  renderAttestSummary,
  renderSignSummary,
  renderSignText,
  signOutputs,
  signingTable,
  type SigningReport,
  type SigningSetup,
  type SubjectSource,
} from '@release-actions/cosign';
import { chartRegistry, readChartMetadata } from '@release-actions/helm';
import { loginRegistry, writeDockerConfig } from '@release-actions/oci';
import { Markdown, type Logger } from '@release-actions/core';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'sigstore-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(`info: ${m}`),
    notice: (m) => lines.push(`notice: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
  };
}

const PEM = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94In19',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
].join('\n');

describe('prepareSigningKey', () => {
  it('passes a KMS URI through and puts the password in the environment', () => {
    const key = prepareSigningKey(
      'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k',
      'pw-1234',
      scratch,
    );
    expect(key.kind).toBe('kms');
    expect(key.keyArgument).toBe('gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k');
    expect(key.env).toEqual({ COSIGN_PASSWORD: 'pw-1234' });
    expect(key.secrets).toEqual(['pw-1234']);
  });

  it('writes a PEM key to a 0600 file under the temp root and deletes it on dispose', () => {
    const key = prepareSigningKey(`${PEM}\n`, undefined, scratch);
    expect(key.kind).toBe('pem');
    expect(path.dirname(path.dirname(key.keyArgument))).toBe(scratch);
    expect(statSync(key.keyArgument).mode & 0o777).toBe(0o600);
    expect(readFileSync(key.keyArgument, 'utf8')).toBe(`${PEM}\n`);
    // No password: cosign must not wait for one on a terminal.
    expect(key.env).toEqual({ COSIGN_PASSWORD: '' });
    expect(key.secrets).toContain(PEM);
    key.dispose();
    expect(existsSync(key.keyArgument)).toBe(false);
    expect(existsSync(path.dirname(key.keyArgument))).toBe(false);
    key.dispose();
  });

  it.each([
    'cosign.key',
    'file:///etc/key',
    '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----',
    'awskms:// alias',
  ])('refuses %j without echoing it', (value) => {
    let error: unknown;
    try {
      prepareSigningKey(value, undefined, scratch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^Input 'key': /);
    if (value !== 'cosign.key') expect((error as Error).message).not.toContain(value);
  });
});

describe('writeDockerConfig', () => {
  it('merges the login over the config in effect, in a new private directory', () => {
    const existing = path.join(scratch, 'existing-docker');
    mkdirSync(existing, { recursive: true });
    writeFileSync(
      path.join(existing, 'config.json'),
      JSON.stringify({
        auths: { 'ghcr.io': { auth: 'b3RoZXI6dG9rZW4=' }, '127.0.0.1:5000': { auth: 'b2xkOm9sZA==' } },
        credHelpers: { '127.0.0.1:5000': 'pass', 'gcr.io': 'gcloud' },
        credsStore: 'desktop',
      }),
    );
    const logger = recordingLogger();
    const config = writeDockerConfig(
      { registry: '127.0.0.1:5000', username: 'bot', password: 's3cret-pw' },
      scratch,
      logger,
      { DOCKER_CONFIG: existing },
    );
    expect(path.dirname(config.directory)).toBe(scratch);
    expect(statSync(config.file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(config.file, 'utf8'));
    const auth = Buffer.from('bot:s3cret-pw').toString('base64');
    expect(written.auths).toEqual({ 'ghcr.io': { auth: 'b3RoZXI6dG9rZW4=' }, '127.0.0.1:5000': { auth } });
    expect(written.credHelpers).toEqual({ 'gcr.io': 'gcloud' });
    expect(written.credsStore).toBeUndefined();
    expect(logger.lines.some((l) => l.startsWith('warning:') && l.includes('desktop'))).toBe(true);
    expect(config.secrets).toEqual(['s3cret-pw', auth]);
    // The job's own config is left as it was.
    expect(JSON.parse(readFileSync(path.join(existing, 'config.json'), 'utf8')).credsStore).toBe('desktop');
  });

  it('keys Docker Hub under its historical name', () => {
    const config = writeDockerConfig(
      { registry: 'docker.io', username: 'u', password: 'p' },
      scratch,
      recordingLogger(),
      {
        DOCKER_CONFIG: path.join(scratch, 'none'),
      },
    );
    expect(Object.keys(JSON.parse(readFileSync(config.file, 'utf8')).auths)).toEqual([
      'https://index.docker.io/v1/',
    ]);
  });

  it('refuses a user name with a colon', () => {
    expect(() =>
      writeDockerConfig(
        { registry: 'ghcr.io', username: 'a:b', password: 'p' },
        scratch,
        recordingLogger(),
        {},
      ),
    ).toThrow(/^Input 'registry-username'/);
  });
});

describe('loginRegistry', () => {
  it('finds the one registry of the references', () => {
    const images = (references: string[]) => ({ references, input: 'images' });
    expect(loginRegistry(images(['ghcr.io/a/b:1', `ghcr.io/a/c@sha256:${'b'.repeat(64)}`]))).toBe('ghcr.io');
    expect(() => loginRegistry(images(['ghcr.io/a/b:1', 'quay.io/a/b:1']))).toThrow(
      /^Input 'images': a registry login applies to one registry, but these references name ghcr.io, quay.io/,
    );
    expect(() => loginRegistry(images(['Bad/Ref']))).toThrow(/^Input 'images': invalid image reference/);
  });

  it('takes the host of a registry location', () => {
    expect(loginRegistry({ location: '127.0.0.1:5000/charts', input: 'registry' })).toBe('127.0.0.1:5000');
    expect(loginRegistry({ location: 'ghcr.io', input: 'registry' })).toBe('ghcr.io');
  });
});

describe('chooseMode', () => {
  const base = (overrides: Partial<SigningSetup>): SigningSetup => ({
    logger: recordingLogger(),
    requireSignature: false,
    bundleDirectory: scratch,
    retry: {},
    env: {},
    ...overrides,
  });

  it('signs keyless when the runner offers an OIDC token', () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
    expect(chooseMode(base({ env }), 'sign')).toEqual({ mode: 'keyless' });
  });

  it('needs no token with a key', () => {
    const key = prepareSigningKey('hashivault://release', undefined, scratch);
    expect(chooseMode(base({ key }), 'sign')).toEqual({ mode: 'key' });
  });

  it('skips with a notice without a token (one request variable is not enough)', () => {
    const logger = recordingLogger();
    const result = chooseMode(base({ logger, env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x' } }), 'sign');
    expect(result).toEqual({ skipped: expect.stringContaining('Nothing was signed') });
    expect(logger.lines).toEqual([expect.stringMatching(/^notice: Skipped: no OIDC token/)]);
  });

  it('fails without a token when a signature is required', () => {
    expect(() => chooseMode(base({ requireSignature: true }), 'attest')).toThrow(OperationalError);
    expect(() => chooseMode(base({ requireSignature: true }), 'attest')).toThrow(
      /^Cannot attest: .*id-token: write/,
    );
  });
});

describe('expandSubjects', () => {
  const index = `sha256:${'1'.repeat(64)}`;
  const amd64 = `sha256:${'2'.repeat(64)}`;
  const arm64 = `sha256:${'3'.repeat(64)}`;
  const source: SubjectSource = {
    check: () => undefined,
    resolve: async (reference) =>
      reference.includes('@')
        ? { repository: reference.split('@')[0] ?? '', digest: reference.split('@')[1] ?? '' }
        : {
            repository: 'ghcr.io/org/app',
            digest: index,
            tag: '1.0',
            platforms: [
              { digest: amd64, platform: 'linux/amd64' },
              { digest: arm64, platform: 'linux/arm64/v8' },
            ],
          },
  };

  it('lists an index, then its platforms, once each, with a notice for a resolved tag', async () => {
    const logger = recordingLogger();
    const subjects = await expandSubjects(
      ['ghcr.io/org/app:1.0', `ghcr.io/org/app@${amd64}`],
      source,
      'images',
      logger,
    );
    expect(subjects.map((s) => [s.digest, s.role, s.platform])).toEqual([
      [index, 'index', undefined],
      [amd64, 'platform', 'linux/amd64'],
      [arm64, 'platform', 'linux/arm64/v8'],
    ]);
    expect(logger.lines).toEqual([
      `notice: ghcr.io/org/app:1.0: the tag 1.0 was resolved to ${index}; the digest is what gets signed, never the tag.`,
    ]);
  });
});

describe('signingTable and signOutputs', () => {
  const report: SigningReport = {
    signed: true,
    mode: 'keyless',
    records: [
      {
        input: 'x',
        repository: 'ghcr.io/org/app',
        digest: `sha256:${'a'.repeat(64)}`,
        role: 'index',
        reference: `ghcr.io/org/app@sha256:${'a'.repeat(64)}`,
        bundle: '/tmp/a.json',
        logIndex: 7,
        rekorUrl: 'https://search.sigstore.dev/?logIndex=7',
        alreadyLogged: false,
        attempts: 1,
      },
      {
        input: 'x',
        repository: 'ghcr.io/org/app',
        digest: `sha256:${'b'.repeat(64)}`,
        role: 'platform',
        platform: 'linux/arm64',
        reference: `ghcr.io/org/app@sha256:${'b'.repeat(64)}`,
        alreadyLogged: true,
        attempts: 1,
      },
    ],
  };

  it('gives one row per digest with its Rekor link', () => {
    expect(signingTable(report)).toEqual({
      headers: ['Image', 'Digest', 'Rekor entry'],
      rows: [
        [
          '`ghcr.io/org/app` (index)',
          `\`sha256:${'a'.repeat(64)}\``,
          '[7](https://search.sigstore.dev/?logIndex=7)',
        ],
        ['`ghcr.io/org/app` (linux/arm64)', `\`sha256:${'b'.repeat(64)}\``, 'already in the log'],
      ],
    });
  });

  it('gives parallel output lists, null where the entry is unknown', () => {
    expect(signOutputs(report)).toEqual({
      signed: true,
      digests: report.records.map((r) => r.reference),
      bundles: ['/tmp/a.json', ''],
      'rekor-log-indexes': [7, null],
      'rekor-urls': ['https://search.sigstore.dev/?logIndex=7', null],
    });
  });
});

describe('the sign report in the job summary and on the command line', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const report: SigningReport = {
    signed: true,
    mode: 'key',
    records: [
      {
        input: 'x',
        repository: 'ghcr.io/org/app',
        digest,
        role: 'image',
        reference: `ghcr.io/org/app@${digest}`,
        logIndex: 12,
        transparencyLog: 'https://rekor.internal',
        alreadyLogged: false,
        attempts: 1,
      },
    ],
  };

  it('renders the same rows as Markdown and as plain text', () => {
    expect(renderSignSummary(report, new Markdown()).toString()).toBe(
      [
        '## Signatures',
        '',
        '1 digest(s) signed with cosign (key-based).',
        '',
        '| Image | Digest | Rekor entry |',
        '| --- | --- | --- |',
        `| \`ghcr.io/org/app\` (image) | \`${digest}\` | 12 in https://rekor.internal |`,
        '',
      ].join('\n'),
    );
    expect(renderSignText(report)).toBe(
      [
        'Signatures: 1 digest(s) signed with cosign (key-based).',
        `  ghcr.io/org/app (image)  ${digest}  Rekor entry: 12 in https://rekor.internal`,
      ].join('\n'),
    );
  });

  it('says why nothing was signed', () => {
    const skipped: SigningReport = {
      signed: false,
      mode: 'skipped',
      skippedReason: 'Skipped: no token.',
      records: [],
    };
    expect(renderSignText(skipped)).toBe('Signatures: Skipped: no token.');
    expect(renderAttestSummary(skipped, new Markdown()).toString()).toBe(
      '## Attestations\n\nSkipped: no token.\n',
    );
  });
});

describe('chart inputs', () => {
  it('reads oci:// locations and refuses what helm would read differently', () => {
    expect(chartRegistry('oci://ghcr.io/org/charts/')).toBe('ghcr.io/org/charts');
    expect(chartRegistry('127.0.0.1:5000/charts')).toBe('127.0.0.1:5000/charts');
    for (const bad of ['org/charts', 'https://ghcr.io/org', '']) {
      expect(() => chartRegistry(bad)).toThrow(/^Input 'registry': .* is not an OCI registry location/);
    }
  });

  it('reads a chart’s name and version, and refuses a directory without them', async () => {
    const dir = path.join(scratch, 'chart');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.4.0\n');
    await expect(readChartMetadata(dir)).resolves.toEqual({ name: 'web', version: '0.4.0' });
    writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: web\n');
    await expect(readChartMetadata(dir)).rejects.toThrow(/must give the chart's name and version/);
    writeFileSync(path.join(dir, 'Chart.yaml'), 'name: [unclosed\n');
    await expect(readChartMetadata(dir)).rejects.toThrow(/is not valid YAML/);
  });
});
