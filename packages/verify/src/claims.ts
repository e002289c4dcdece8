import { identityMatches, refMatches, type IdentityPolicy } from './identity.js';

/**
 * What a certificate says about the run that signed, and each value checked against the policy.
 * Both engines fill `Claims` (the native engine from the certificate's extensions, the cosign
 * engine from what cosign printed or was told to enforce) and judge them here, so they cannot
 * disagree about what passes.
 */

export interface Claims {
  /** The SAN. */
  identity?: string;
  issuer?: string;
  /** owner/repo from 1.3.6.1.4.1.57264.1.12 (or legacy 1.5). */
  repository?: string;
  /** The publisher's ref, 1.3.6.1.4.1.57264.1.14 (or legacy 1.6). */
  sourceRef?: string;
  /** 1.3.6.1.4.1.57264.1.20 (or legacy 1.2). */
  trigger?: string;
  /** The commit of the signing workflow, 1.3.6.1.4.1.57264.1.10. */
  workflowCommit?: string;
}

export type ClaimName = 'identity' | 'issuer' | 'repository' | 'source-ref' | 'trigger' | 'workflow-commit';

export interface ClaimCheck {
  claim: ClaimName;
  /** What the policy asks for: a value, or a pattern. */
  wanted: string;
  seen?: string;
  ok: boolean;
  /** How the value was established when it was not read from the certificate. */
  note?: string;
}

export const CLAIM_LABELS: Record<ClaimName, string> = {
  identity: 'SAN',
  issuer: 'issuer',
  repository: 'source repository',
  'source-ref': 'source ref',
  trigger: 'trigger',
  'workflow-commit': 'workflow commit',
};

/** The part of the identity policy that every engine checks, claim by claim. */
export type ClaimPolicy = Pick<
  IdentityPolicy,
  | 'identityRegexp'
  | 'issuer'
  | 'repository'
  | 'sourceRefPattern'
  | 'sourceRef'
  | 'trigger'
  | 'workflowCommit'
  | 'signer'
>;

/** The ref after the last `@` of a SAN: with signer: workflow, the publisher's ref. */
function sanRef(identity: string | undefined): string | undefined {
  const at = identity?.lastIndexOf('@') ?? -1;
  return identity !== undefined && at >= 0 ? identity.slice(at + 1) : undefined;
}

function refOk(policy: ClaimPolicy, ref: string): boolean {
  if (policy.sourceRef !== undefined) return ref === policy.sourceRef;
  return refMatches(policy.sourceRefPattern, ref);
}

/** Every value the policy checks, in the order a reader would: who, which repository, which ref. */
export function checkClaims(policy: ClaimPolicy, claims: Claims): ClaimCheck[] {
  const checks: ClaimCheck[] = [];
  const add = (claim: ClaimName, wanted: string, seen: string | undefined, ok: boolean, note?: string) => {
    const check: ClaimCheck = { claim, wanted, ok };
    if (seen !== undefined) check.seen = seen;
    if (note !== undefined) check.note = note;
    checks.push(check);
  };
  add(
    'identity',
    policy.identityRegexp,
    claims.identity,
    claims.identity !== undefined && identityMatches(policy, claims.identity),
  );
  add('issuer', policy.issuer, claims.issuer, claims.issuer === policy.issuer);
  add('repository', policy.repository, claims.repository, claims.repository === policy.repository);
  const wantedRef = policy.sourceRef ?? policy.sourceRefPattern;
  let ref = claims.sourceRef;
  let note: string | undefined;
  if (ref === undefined && policy.signer === 'workflow') {
    // The publisher's own workflow: its SAN ends in the publisher's ref, matched above.
    ref = sanRef(claims.identity);
    if (ref !== undefined) note = 'from the SAN';
  }
  add('source-ref', wantedRef, ref, ref !== undefined && refOk(policy, ref), note);
  if (policy.trigger !== undefined) {
    add('trigger', policy.trigger, claims.trigger, claims.trigger === policy.trigger);
  }
  if (policy.workflowCommit !== undefined) {
    add(
      'workflow-commit',
      policy.workflowCommit,
      claims.workflowCommit,
      claims.workflowCommit === policy.workflowCommit,
    );
  }
  return checks;
}

/** One line saying why the first failed value fails, or undefined when all hold. */
export function claimProblem(checks: readonly ClaimCheck[]): string | undefined {
  const bad = checks.find((c) => !c.ok);
  if (bad === undefined) return undefined;
  const seen = bad.seen ?? 'none';
  switch (bad.claim) {
    case 'identity':
      return bad.seen === undefined
        ? 'the signature carries no certificate identity (key-based or legacy)'
        : `identity mismatch: saw ${seen}, wanted pattern ${bad.wanted}`;
    case 'issuer':
      return `issuer mismatch: saw ${seen}, wanted ${bad.wanted}`;
    case 'repository':
      return `repository claim mismatch: saw ${seen}, wanted ${bad.wanted}`;
    case 'source-ref':
      return bad.seen === undefined
        ? `source ref not shown: the certificate's source ref could not be read (wanted ${bad.wanted})${bad.note ? `; ${bad.note}` : ''}`
        : `source ref ${bad.seen} does not match ${bad.wanted}`;
    case 'trigger':
      return bad.seen === undefined
        ? `trigger not shown (wanted ${bad.wanted})`
        : `trigger ${bad.seen} is not ${bad.wanted}`;
    case 'workflow-commit':
      return bad.seen === undefined
        ? `workflow commit not shown (wanted ${bad.wanted})${bad.note ? `; ${bad.note}` : ''}`
        : `workflow commit ${bad.seen} is not ${bad.wanted}`;
  }
}

/** `value ✓` / `value ✗`: one claim as a report shows it. */
export function formatClaim(check: ClaimCheck): string {
  return `${check.seen ?? '(not shown)'} ${check.ok ? '✓' : '✗'}`;
}
