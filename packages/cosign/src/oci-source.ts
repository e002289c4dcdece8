import { InputError } from '@release-actions/core';
import type { RegistryClient } from '@release-actions/oci';
import { parseReference, subjectsOf } from '@release-actions/oci';
import type { ResolvedReference, SubjectSource } from './subjects.js';

function named(error: unknown, inputName: string): unknown {
  return error instanceof InputError ? new InputError(`Input '${inputName}': ${error.message}`) : error;
}

/** References checked by the distribution grammar and resolved by the registry. */
export function registrySubjectSource(client: RegistryClient): SubjectSource {
  return {
    check(reference, inputName) {
      try {
        parseReference(reference);
      } catch (error) {
        throw named(error, inputName);
      }
    },
    async resolve(reference, inputName): Promise<ResolvedReference> {
      let parsed;
      try {
        parsed = parseReference(reference);
      } catch (error) {
        throw named(error, inputName);
      }
      const resolved = await client.resolve(parsed);
      const [, ...platforms] = subjectsOf(resolved);
      const result: ResolvedReference = {
        repository: `${resolved.registry}/${resolved.repository}`,
        digest: resolved.digest,
      };
      // A reference without a digest names a tag, `latest` when none is written.
      if (parsed.digest === undefined) result.tag = parsed.tag ?? 'latest';
      if (resolved.platforms !== undefined) {
        result.platforms = platforms.map((subject) => ({
          digest: subject.digest,
          platform: [subject.platform?.os, subject.platform?.architecture, subject.platform?.variant]
            .filter((part) => part !== undefined && part !== '')
            .join('/'),
        }));
      }
      return result;
    },
  };
}
