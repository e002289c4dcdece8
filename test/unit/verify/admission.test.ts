import { describe, expect, it } from '@jest/globals';
import { InputError } from '@release-actions/core';
import {
  buildIdentityPolicy,
  emitAdmission,
  PREDICATE_TYPES,
  SLSA_PROVENANCE_PREDICATE_TYPE,
  type AdmissionOptions,
  type CheckName,
  type IdentityOptions,
} from '@release-actions/verify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const DIGEST = `sha256:${'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'}`;
const ALL: CheckName[] = ['signature', 'sbom-spdx', 'sbom-cyclonedx', 'provenance'];
const SAN = 'https://github.com/aotanami/release-actions/.github/workflows/release.yml';

function options(
  admission: AdmissionOptions['admission'],
  identity: Partial<IdentityOptions> = {},
  rest: Partial<AdmissionOptions> = {},
): AdmissionOptions {
  return {
    admission,
    image: `ghcr.io/aotanami/aotanami@${DIGEST}`,
    identity: { repository: 'aotanami/aotanami', signer: 'reusable-workflow', ...identity },
    checks: ALL,
    ...rest,
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- walking parsed YAML */
async function emitted(o: AdmissionOptions): Promise<{ text: string; doc: any }> {
  const policy = await emitAdmission(o);
  return { text: policy.yaml, doc: parse(policy.yaml) };
}

function refusal(run: () => Promise<unknown>): Promise<InputError> {
  return run().then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    },
  );
}

describe('policy-controller ClusterImagePolicy', () => {
  it('holds the SAN, issuer, repository and the ref pattern exactly as verify does', async () => {
    const { text, doc } = await emitted(options('policy-controller'));
    const policy = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
    expect(doc.apiVersion).toBe('policy.sigstore.dev/v1beta1');
    expect(doc.kind).toBe('ClusterImagePolicy');
    expect(doc.metadata.name).toBe('verify-ghcr-io-aotanami-aotanami');
    expect(doc.spec.mode).toBe('enforce');
    expect(doc.spec.images).toEqual([{ glob: 'ghcr.io/aotanami/aotanami*' }]);
    const [release, provenance] = doc.spec.authorities;
    expect(release.name).toBe('release');
    expect(release.signatureFormat).toBe('bundle');
    expect(release.keyless.identities).toEqual([
      { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: policy.identityRegexp },
    ]);
    expect(release.ctlog.url).toBe('https://rekor.sigstore.dev');
    expect(release.attestations).toEqual([
      { name: 'signature', predicateType: PREDICATE_TYPES.signature },
      { name: 'sbom-spdx', predicateType: 'https://spdx.dev/Document' },
      { name: 'sbom-cyclonedx', predicateType: 'https://cyclonedx.org/bom' },
    ]);
    expect(provenance.name).toBe('provenance');
    expect(provenance.signatureFormat).toBeUndefined();
    expect(provenance.attestations).toEqual([
      { name: 'provenance', predicateType: SLSA_PROVENANCE_PREDICATE_TYPE },
    ]);
    const builder = new RegExp(provenance.keyless.identities[0].subjectRegExp);
    expect(
      builder.test(
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0',
      ),
    ).toBe(true);
    expect(
      builder.test(
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/heads/main',
      ),
    ).toBe(false);
    const rego: string = doc.spec.policy.data;
    expect(doc.spec.policy.type).toBe('rego');
    expect(rego).toContain(
      [
        'signature_claims(a) if {',
        '  a.githubWorkflowRepo == "aotanami/aotanami"',
        '  regex.match("^refs/tags/v[^@\\\\s]*$", a.githubWorkflowRef)',
        '}',
      ].join('\n'),
    );
    // Every check must have matched, and every certificate of it must carry the claims.
    expect(rego).toContain(
      [
        'sbom_spdx_refused if {',
        '  a := input.authorityMatches["release"].attestations["sbom-spdx"][_]',
        '  not sbom_spdx_claims(a)',
        '}',
        '',
        'sbom_spdx_ok if {',
        '  count(input.authorityMatches["release"].attestations["sbom-spdx"]) > 0',
        '  not sbom_spdx_refused',
        '}',
      ].join('\n'),
    );
    expect(rego).toContain('provenance_claims(a) if {\n  a.githubWorkflowRepo == "aotanami/aotanami"\n');
    expect(rego).toMatch(
      /\nisCompliant if \{\n {2}signature_ok\n {2}sbom_spdx_ok\n {2}sbom_cyclonedx_ok\n {2}provenance_ok\n\}\n$/,
    );
    expect(
      rego.startsWith('package sigstore\n\nimport future.keywords.if\n\ndefault isCompliant := false\n'),
    ).toBe(true);
    // The header names the repository and the verify command it mirrors.
    expect(text.startsWith('# policy-controller ClusterImagePolicy for ghcr.io/aotanami/aotanami')).toBe(
      true,
    );
    expect(text).toContain(
      `#   release-actions verify ghcr.io/aotanami/aotanami@${DIGEST} --repository aotanami/aotanami\n`,
    );
  });

  it('pins the exact ref and the trigger when verify does', async () => {
    const { doc } = await emitted(
      options('policy-controller', { sourceRef: 'refs/tags/v1.2.3', trigger: 'push' }),
    );
    expect(doc.spec.policy.data).toContain(
      [
        'sbom_spdx_claims(a) if {',
        '  a.githubWorkflowRepo == "aotanami/aotanami"',
        '  a.githubWorkflowRef == "refs/tags/v1.2.3"',
        '  a.githubWorkflowTrigger == "push"',
        '}',
      ].join('\n'),
    );
  });

  it('writes Docker Hub images as policy-controller names them', async () => {
    const { doc } = await emitted(options('policy-controller', {}, { image: 'aotanami/aotanami:v1' }));
    expect(doc.spec.images).toEqual([{ glob: 'index.docker.io/aotanami/aotanami*' }]);
  });
});

describe('Kyverno ClusterPolicy', () => {
  it('refuses a ref pattern: Kyverno wildcards would also accept "@"', async () => {
    const error = await refusal(() => emitAdmission(options('kyverno')));
    expect(error.message).toContain('source-ref');
    expect(error.message).toContain('policy-controller');
  });

  it('holds the SAN, issuer and every claim verify checks, with the exact ref', async () => {
    const { text, doc } = await emitted(
      options('kyverno', { sourceRef: 'refs/tags/v1.2.3', trigger: 'push' }),
    );
    const policy = buildIdentityPolicy({ repository: 'aotanami/aotanami', signer: 'reusable-workflow' });
    expect(doc.apiVersion).toBe('kyverno.io/v1');
    expect(doc.kind).toBe('ClusterPolicy');
    expect(doc.spec.validationFailureAction).toBe('Enforce');
    expect(doc.spec.background).toBe(false);
    const [rule] = doc.spec.rules;
    expect(rule.match).toEqual({ any: [{ resources: { kinds: ['Pod'] } }] });
    const [images] = rule.verifyImages;
    expect(images).toMatchObject({
      type: 'Cosign',
      imageReferences: ['ghcr.io/aotanami/aotanami*'],
      mutateDigest: true,
      verifyDigest: true,
      required: true,
    });
    const keyless = images.attestors[0].entries[0].keyless;
    expect(keyless).toEqual({
      subjectRegExp: policy.identityRegexp,
      issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$',
      rekor: { url: 'https://rekor.sigstore.dev' },
      additionalExtensions: {
        githubWorkflowRepository: 'aotanami/aotanami',
        githubWorkflowRef: 'refs/tags/v1.2.3',
        githubWorkflowTrigger: 'push',
      },
    });
    expect(images.attestations.map((a: any) => [a.name, a.type])).toEqual([
      ['sbom-spdx', 'https://spdx.dev/Document'],
      ['sbom-cyclonedx', 'https://cyclonedx.org/bom'],
      ['provenance', SLSA_PROVENANCE_PREDICATE_TYPE],
    ]);
    expect(images.attestations[0].attestors[0].entries[0].keyless).toEqual(keyless);
    const provenance = images.attestations[2].attestors[0].entries[0].keyless;
    expect(provenance.subjectRegExp).toMatch(/^\^https:\/\/github\\\.com\/slsa-framework\//);
    expect(provenance.additionalExtensions).toEqual({
      githubWorkflowRepository: 'aotanami/aotanami',
      githubWorkflowRef: 'refs/tags/v1.2.3',
    });
    expect(text).toContain('type: SigstoreBundle reads those but ignores additionalExtensions');
  });

  it('takes a pattern without a wildcard as the exact ref it is', async () => {
    const { doc } = await emitted(options('kyverno', { sourceRefPattern: 'refs/heads/release' }));
    const keyless = doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless;
    expect(keyless.additionalExtensions.githubWorkflowRef).toBe('refs/heads/release');
  });

  it('binds the provenance to --source-tag as slsa-verifier does', async () => {
    const { doc } = await emitted(
      options('kyverno', { sourceRef: 'refs/tags/v1.2.3' }, { sourceTag: 'v1.2.3', checks: ['provenance'] }),
    );
    const [images] = doc.spec.rules[0].verifyImages;
    expect(images.attestors).toBeUndefined();
    expect(images.attestations).toHaveLength(1);
    expect(
      images.attestations[0].attestors[0].entries[0].keyless.additionalExtensions.githubWorkflowRef,
    ).toBe('refs/tags/v1.2.3');
  });
});

describe('anchoring and escaping', () => {
  const lookalikes = [
    'https://github.com/a-b/c.d_e/.github/workflows/release.yml@refs/tags/v1',
    'https://github.com/a-b/c.d_eX/.github/workflows/release.yml@refs/tags/v1',
    'https://github.com/a-b/cXd_e/.github/workflows/release.yml@refs/tags/v1',
    'https://githubXcom/a-b/c.d_e/.github/workflows/release.yml@refs/tags/v1',
    'https://github.com/a-b/c.d_e/.github/workflows/releaseXyml@refs/tags/v1',
    'https://github.com/a-b/c.d_e/.github/workflows/release.yml@refs/tags/v1@evil',
    'xhttps://github.com/a-b/c.d_e/.github/workflows/release.yml@refs/tags/v1',
    'https://github.com/a-b/c.d_e/.github/workflows/release.yml@refs/tags/v1x',
  ];

  it.each(['kyverno', 'policy-controller'] as const)(
    '%s: a repository with regex metacharacters matches itself only',
    async (admission) => {
      const { doc } = await emitted(
        options(
          admission,
          {
            repository: 'a-b/c.d_e',
            signer: 'workflow',
            workflow: '.github/workflows/release.yml',
            sourceRef: 'refs/tags/v1',
          },
          { image: 'registry.example:5000/a.b/c-d' },
        ),
      );
      const subject =
        admission === 'kyverno'
          ? doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.subjectRegExp
          : doc.spec.authorities[0].keyless.identities[0].subjectRegExp;
      const re = new RegExp(subject);
      expect(re.test(lookalikes[0]!)).toBe(true);
      for (const lookalike of lookalikes.slice(1))
        expect([lookalike, re.test(lookalike)]).toEqual([lookalike, false]);
      const images =
        admission === 'kyverno'
          ? doc.spec.rules[0].verifyImages[0].imageReferences
          : [doc.spec.images[0].glob];
      expect(images).toEqual(['registry.example:5000/a.b/c-d*']);
    },
  );

  it('narrows the SAN to the pinned workflow commit, which no engine can read', async () => {
    const commit = 'a'.repeat(40);
    for (const admission of ['kyverno', 'policy-controller'] as const) {
      const { text, doc } = await emitted(
        options(admission, { workflowCommit: commit, sourceRef: 'refs/tags/v1.2.3' }),
      );
      const subject =
        admission === 'kyverno'
          ? doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.subjectRegExp
          : doc.spec.authorities[0].keyless.identities[0].subjectRegExp;
      const re = new RegExp(subject);
      expect(re.test(`${SAN}@${commit}`)).toBe(true);
      expect(re.test(`${SAN}@refs/tags/v1.0.0`)).toBe(false);
      expect(re.test(`${SAN}@${'b'.repeat(40)}`)).toBe(false);
      expect(text).toContain('SAN is narrowed');
    }
  });

  it('writes the same policy for a tag and for a digest: it matches the repository', async () => {
    const tag = await emitted(
      options('policy-controller', {}, { image: 'ghcr.io/aotanami/aotanami:v1.2.3' }),
    );
    const sha = await emitted(options('policy-controller'));
    expect(tag.doc).toEqual(sha.doc);
    expect(tag.text).toContain('release-actions verify ghcr.io/aotanami/aotanami:v1.2.3 ');
    expect(tag.text).not.toBe(sha.text);
  });

  it('is deterministic', async () => {
    const first = await emitted(options('kyverno', { sourceRef: 'refs/tags/v1.2.3' }));
    const second = await emitted(options('kyverno', { sourceRef: 'refs/tags/v1.2.3' }));
    expect(first.text).toBe(second.text);
  });
});

describe('check sets', () => {
  it.each([
    [['signature'], ['signature'], []],
    [['sbom-spdx'], ['sbom-spdx'], []],
    [['signature', 'sbom-cyclonedx'], ['signature', 'sbom-cyclonedx'], []],
    [['provenance'], [], ['provenance']],
  ] as const)('checks %j: release %j, provenance %j', async (checks, bundled, legacy) => {
    const { doc } = await emitted(options('policy-controller', {}, { checks: [...checks] }));
    const byName = Object.fromEntries(doc.spec.authorities.map((a: any) => [a.name, a]));
    expect(byName.release?.attestations.map((a: any) => a.name) ?? []).toEqual(bundled);
    expect(byName.provenance?.attestations.map((a: any) => a.name) ?? []).toEqual(legacy);
    for (const name of [...bundled, ...legacy])
      expect(doc.spec.policy.data).toContain(`  ${name.replace('-', '_')}_ok\n`);
  });

  it('kyverno: signature only has attestors and no attestations', async () => {
    const { doc } = await emitted(
      options('kyverno', { sourceRef: 'refs/tags/v1' }, { checks: ['signature'] }),
    );
    const [images] = doc.spec.rules[0].verifyImages;
    expect(images.attestors).toHaveLength(1);
    expect(images.attestations).toBeUndefined();
  });
});

describe('refusals', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'admission-'));
  const file = path.join(dir, 'file');
  writeFileSync(file, '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n');

  it('refuses a key-based release', async () => {
    const error = await refusal(() => emitAdmission(options('policy-controller', {}, { key: file })));
    expect(error.input).toBe('key');
  });

  it('refuses a loose identity even with allow-unanchored', async () => {
    const error = await refusal(() =>
      emitAdmission(
        options('policy-controller', {
          identityRegexp: 'https://github.com/aotanami/',
          allowUnanchored: true,
        }),
      ),
    );
    expect(error.input).toBe('allow-unanchored');
  });

  it('refuses workflow-commit with an identity override', async () => {
    const error = await refusal(() =>
      emitAdmission(
        options('policy-controller', {
          workflowCommit: 'a'.repeat(40),
          identityRegexp:
            '^https://github\\.com/aotanami/release-actions/\\.github/workflows/release\\.yml@[0-9a-f]{40}$',
        }),
      ),
    );
    expect(error.input).toBe('workflow-commit');
  });

  it('checks the request as verify does before writing anything', async () => {
    const error = await refusal(() =>
      emitAdmission(options('policy-controller', { repository: 'not a repo' })),
    );
    expect(error.input).toBe('repository');
  });
});
