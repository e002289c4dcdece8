import { describe, expect, it } from '@jest/globals';
import { emitAdmission, type AdmissionOptions } from '@release-actions/verify';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../harness/run-bundle.js';

/*
 * Every emitted policy is validated against the openAPIV3Schema of the CRD its engine installs
 * (vendored byte for byte, see test/fixtures/admission/SOURCES.md). The CRDs leave unknown fields
 * open (the API server prunes them silently), so a second walk refuses any field the schema does
 * not declare: a misspelled field would otherwise pass and be dropped in the cluster.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON schemas and parsed YAML */
type Schema = Record<string, any>;

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'admission');

interface Crd {
  apiVersion: string;
  kind: string;
  schema: Schema;
}

function crd(file: string, version: string): Crd {
  const definition = parse(readFileSync(path.join(fixtures, file), 'utf8'));
  const served = definition.spec.versions.find((v: any) => v.name === version);
  expect(served.served).toBe(true);
  return {
    apiVersion: `${definition.spec.group}/${version}`,
    kind: definition.spec.names.kind,
    schema: served.schema.openAPIV3Schema,
  };
}

const crds = {
  kyverno: crd('kyverno.io_clusterpolicies.yaml', 'v1'),
  'policy-controller': crd('300-clusterimagepolicy.yaml', 'v1beta1'),
};
const kyverno = crds.kyverno.schema;
const policyController = crds['policy-controller'].schema;
// The CRDs carry Kubernetes keywords (x-kubernetes-*) and formats ajv does not know.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = { kyverno: ajv.compile(kyverno), 'policy-controller': ajv.compile(policyController) };

/** Paths of fields the schema does not declare, where it declares its fields. */
function undeclared(schema: Schema | undefined, value: unknown, at = ''): string[] {
  if (schema === undefined || schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => undeclared(schema.items, item, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const where = `${at}.${key}`;
    if (schema.properties?.[key] !== undefined) out.push(...undeclared(schema.properties[key], child, where));
    else if (typeof schema.additionalProperties === 'object') {
      out.push(...undeclared(schema.additionalProperties, child, where));
    } else if (schema.properties !== undefined || schema.additionalProperties === false) out.push(where);
  }
  return out;
}

function problems(engine: keyof typeof validators, document: unknown): string[] {
  const validate = validators[engine];
  const schemaErrors = validate(document)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  // apiVersion, kind and metadata are the object's envelope, which not every CRD schema declares.
  const { apiVersion, kind, metadata, ...rest } = document as Record<string, unknown>;
  const envelope = [
    ...(apiVersion === crds[engine].apiVersion ? [] : [`apiVersion ${String(apiVersion)}`]),
    ...(kind === crds[engine].kind ? [] : [`kind ${String(kind)}`]),
    ...(typeof (metadata as { name?: unknown } | undefined)?.name === 'string' ? [] : ['metadata.name']),
  ];
  return [
    ...schemaErrors,
    ...envelope,
    ...undeclared(crds[engine].schema, rest).map((p) => `${p} is not declared`),
  ];
}

const base = (
  admission: AdmissionOptions['admission'],
  extra: Partial<AdmissionOptions> = {},
): AdmissionOptions => ({
  admission,
  image: 'ghcr.io/aotanami/aotanami:v1.2.3',
  identity: { repository: 'aotanami/aotanami', signer: 'reusable-workflow', sourceRef: 'refs/tags/v1.2.3' },
  checks: ['signature', 'sbom-spdx', 'sbom-cyclonedx', 'provenance'],
  ...extra,
});

async function document(options: AdmissionOptions): Promise<any> {
  return parse((await emitAdmission(options)).yaml);
}

const cases: Array<[string, AdmissionOptions]> = [
  [
    'kyverno, every check, trigger',
    base('kyverno', { identity: { ...base('kyverno').identity, trigger: 'push' } }),
  ],
  ['kyverno, signature only', base('kyverno', { checks: ['signature'] })],
  [
    'kyverno, provenance only with source tag',
    base('kyverno', { checks: ['provenance'], sourceTag: 'v1.2.3' }),
  ],
  [
    'kyverno, signer workflow',
    base('kyverno', {
      identity: {
        repository: 'aotanami/aotanami',
        signer: 'workflow',
        workflow: '.github/workflows/release.yml',
        sourceRef: 'refs/tags/v1.2.3',
      },
    }),
  ],
  ['policy-controller, every check', base('policy-controller')],
  [
    'policy-controller, ref pattern',
    base('policy-controller', { identity: { repository: 'aotanami/aotanami', signer: 'reusable-workflow' } }),
  ],
  ['policy-controller, sboms only', base('policy-controller', { checks: ['sbom-spdx', 'sbom-cyclonedx'] })],
  ['policy-controller, provenance only', base('policy-controller', { checks: ['provenance'] })],
  [
    'policy-controller, workflow commit',
    base('policy-controller', { identity: { ...base('kyverno').identity, workflowCommit: 'c'.repeat(40) } }),
  ],
];

describe('emitted policies against the CRDs their engines install', () => {
  it.each(cases)('%s: valid, every field declared', async (_name, options) => {
    const doc = await document(options);
    expect(problems(options.admission, doc)).toEqual([]);
  });

  it('the vendored CRDs declare the fields the policies rely on', () => {
    const vi = kyverno.properties.spec.properties.rules.items.properties.verifyImages.items;
    const keyless = vi.properties.attestors.items.properties.entries.items.properties.keyless;
    expect(Object.keys(keyless.properties)).toEqual(
      expect.arrayContaining(['subjectRegExp', 'issuerRegExp', 'rekor', 'additionalExtensions']),
    );
    expect(vi.properties.type.enum).toEqual(expect.arrayContaining(['Cosign', 'SigstoreBundle']));
    expect(kyverno.properties.spec.properties.validationFailureAction.enum).toContain('Enforce');
    const authority = policyController.properties.spec.properties.authorities.items;
    expect(Object.keys(authority.properties)).toEqual(
      expect.arrayContaining(['keyless', 'ctlog', 'attestations', 'signatureFormat']),
    );
    expect(Object.keys(authority.properties.keyless.properties.identities.items.properties)).toEqual(
      expect.arrayContaining(['issuer', 'subjectRegExp']),
    );
  });
});

describe('a broken policy fails validation', () => {
  it('kyverno: an unknown failure action, a string for a boolean, a misspelled field', async () => {
    const doc = await document(base('kyverno'));
    doc.apiVersion = 'kyverno.io/v2';
    doc.spec.validationFailureAction = 'Deny';
    const images = doc.spec.rules[0].verifyImages[0];
    images.mutateDigest = 'yes';
    images.attestors[0].entries[0].keyless.subjectRegexp =
      images.attestors[0].entries[0].keyless.subjectRegExp;
    delete images.attestors[0].entries[0].keyless.subjectRegExp;
    const found = problems('kyverno', doc);
    expect(found).toEqual(
      expect.arrayContaining([
        'apiVersion kyverno.io/v2',
        '/spec/validationFailureAction must be equal to one of the allowed values',
        '/spec/rules/0/verifyImages/0/mutateDigest must be boolean',
        '.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.subjectRegexp is not declared',
      ]),
    );
  });

  it('kyverno: an extension value that is not a string', async () => {
    const doc = await document(base('kyverno'));
    doc.spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.additionalExtensions.githubWorkflowRef = 1;
    expect(problems('kyverno', doc)).toContain(
      '/spec/rules/0/verifyImages/0/attestors/0/entries/0/keyless/additionalExtensions/githubWorkflowRef must be string',
    );
  });

  it('policy-controller: a glob that is not a string, a misspelled identity field, a list for the policy', async () => {
    const doc = await document(base('policy-controller'));
    doc.spec.images[0].glob = 3;
    const identity = doc.spec.authorities[0].keyless.identities[0];
    identity.subjectRegex = identity.subjectRegExp;
    delete identity.subjectRegExp;
    doc.spec.policy = [doc.spec.policy];
    const found = problems('policy-controller', doc);
    expect(found).toEqual(
      expect.arrayContaining([
        '/spec/images/0/glob must be string',
        '/spec/policy must be object',
        '.spec.authorities[0].keyless.identities[0].subjectRegex is not declared',
      ]),
    );
  });
});
