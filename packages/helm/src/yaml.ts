/**
 * yaml (~110 kB bundled) is needed only once a Chart.yaml is read. Imported at that point, it sits
 * in a chunk of its own instead of being loaded on every start of the chart action, which may
 * stop at its inputs first. The parse finds duplicate keys in linear time (see yaml-document).
 */
export const loadYaml = async (): Promise<typeof import('@release-actions/core/yaml-document')> =>
  await import('@release-actions/core/yaml-document');
