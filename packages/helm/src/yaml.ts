/**
 * yaml (~110 kB bundled) is needed only once a Chart.yaml is read. Imported at that point, it sits
 * in a chunk of its own instead of being loaded on every start of the chart action, which may
 * stop at its inputs first. yaml is CommonJS: its bundled chunk exports only `default` (the
 * module's exports), which Node's own import of it offers too.
 */
export const loadYaml = async (): Promise<typeof import('yaml')> => (await import('yaml')).default;
