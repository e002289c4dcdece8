import type { Scalar } from 'yaml';
import { withText, type Step } from './model.js';
import { asScalar, entry, type SourceFile } from './source.js';
import { isAction } from './uses.js';

/**
 * Well-known actions that pull a container image named by an input, and the image they pull when
 * the input does not name one (all by tag). setup-buildx-action runs BuildKit in a container with
 * its default `docker-container` driver (and `kubernetes`); its `docker` and `remote` drivers pull
 * nothing.
 */
interface ImageInput {
  action: string;
  input: string;
  /** For inputs holding `key=value` options (driver-opts): the option naming the image. */
  option?: string;
  /** The image pulled when the input does not name one; none when it is required. */
  fallback?: string;
  /** Whether the action pulls its fallback with these inputs. */
  pullsFallback?: (source: SourceFile, step: Step) => boolean;
}

export const IMAGE_INPUTS: readonly ImageInput[] = [
  { action: 'docker/setup-qemu-action', input: 'image', fallback: 'tonistiigi/binfmt:latest' },
  {
    action: 'docker/setup-buildx-action',
    input: 'driver-opts',
    option: 'image',
    fallback: 'moby/buildkit:buildx-stable-1',
    pullsFallback: (source, step) => {
      const driver = (withText(source, step, 'driver') ?? 'docker-container').trim();
      return driver === '' || driver === 'docker-container' || driver === 'kubernetes';
    },
  },
  { action: 'addnab/docker-run-action', input: 'image' },
];

export interface ActionImage {
  image: string;
  /** The scalar the image is written in, or undefined for the action's own default. */
  node?: Scalar;
  /** Where in that scalar's value it starts. */
  offset: number;
  /** Said in a message: "docker/setup-qemu-action's image" or "… default image". */
  what: string;
}

/** The image an options list names (`image=…` on one of its lines, among comma-separated options). */
function optionValue(text: string, option: string): { value: string; offset: number } | undefined {
  const pattern = new RegExp(`(^|[\\s,])${option}=([^\\s,]+)`);
  const match = pattern.exec(text);
  if (!match) return undefined;
  const value = match[2]!.replace(/^["']|["']$/g, '');
  return { value, offset: match.index + match[1]!.length + option.length + 1 };
}

/** The image a step of a well-known action pulls, if it is one. */
export function actionImage(source: SourceFile, step: Step): ActionImage | undefined {
  if (!step.uses) return undefined;
  const known = IMAGE_INPUTS.find((k) => isAction(step.uses!.ref, k.action));
  if (!known) return undefined;
  const node = asScalar(source, entry(source, step.with, known.input)?.value);
  const text = withText(source, step, known.input) ?? '';
  const named = known.option
    ? optionValue(text, known.option)
    : text.trim() === ''
      ? undefined
      : { value: text.trim(), offset: text.indexOf(text.trim()) };
  if (named) {
    return { image: named.value, node, offset: named.offset, what: `${known.action}'s ${known.input}` };
  }
  if (known.fallback && (known.pullsFallback?.(source, step) ?? true)) {
    return { image: known.fallback, offset: 0, what: `${known.action}'s default image` };
  }
  return undefined;
}
