import type { RegistryClient } from '@release-actions/oci';
import { parseReference } from '@release-actions/oci';
import { platformName, subjectsOf, type ResolvedReference, type SubjectSource } from './subjects.js';

/** References checked by the distribution grammar and resolved by the registry. */
export function registrySubjectSource(client: RegistryClient): SubjectSource {
  return {
    check(reference, input) {
      parseReference(reference, input);
    },
    async resolve(reference, input): Promise<ResolvedReference> {
      const parsed = parseReference(reference, input);
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
          platform: subject.platform === undefined ? '' : platformName(subject.platform),
        }));
      }
      return result;
    },
  };
}
