import type { Scalar } from 'yaml';
import { actionImage } from '../action-images.js';
import type { Action, Step, Workflow } from '../model.js';
import { scriptImages } from '../script-images.js';
import {
  asMap,
  asScalar,
  entries,
  entry,
  position,
  positionAt,
  rawText,
  scalarText,
  trailingComment,
  type Position,
} from '../source.js';
import { isFullTag, isSlsaGenerator, parseVersionComment, SHA_PATTERN, type UsesRef } from '../uses.js';
import type { CheckContext, RuleFamily } from './context.js';

/** PIN001, PIN002, PIN003, PIN006 for one `uses:`; records SHA pins for PIN004. */
function checkUses(ctx: CheckContext, uses: { node: Scalar; value: string; ref: UsesRef }): void {
  const { ref, node, value } = uses;
  if (ref.kind === 'local' || ref.kind === 'self') return;
  if (ref.kind === 'docker') {
    checkImage(ctx, node, ref.image, `docker://${ref.image}`);
    return;
  }
  if (ref.kind === 'invalid') {
    ctx.report('PIN001', node, `"${value}" is not owner/repo[/path]@ref; it cannot be pinned as written.`);
    return;
  }
  if (isSlsaGenerator(ref)) {
    if (!isFullTag(ref.ref)) {
      ctx.report(
        'PIN006',
        node,
        `The SLSA generator must be referenced by a full vX.Y.Z tag (it refuses SHAs and branches), not "@${ref.ref}".`,
      );
    }
    return;
  }
  if (!SHA_PATTERN.test(ref.ref)) {
    ctx.report('PIN001', node, `${ref.name} is referenced by "@${ref.ref}", not by a 40-hex commit SHA.`);
    return;
  }
  const version = parseVersionComment(trailingComment(ctx.source, node));
  if (version.version === undefined) {
    ctx.report('PIN002', node, `${ref.name}@${ref.ref.slice(0, 12)}… has no version comment (# vX.Y.Z).`);
  } else if (!version.full) {
    ctx.report(
      'PIN003',
      node,
      `The version comment "${version.version}" for ${ref.name} is not a full version (vX.Y.Z).`,
    );
  }
  const at = position(ctx.source, node);
  ctx.pins.push({
    file: ctx.source.file,
    line: at.line,
    column: at.column,
    action: `${ref.owner}/${ref.repo}`,
    sha: ref.ref,
    version: version.version,
  });
}

/** `name[:tag]@sha256:<64 hex>`. */
function isDigestPinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(image);
}

function checkImage(ctx: CheckContext, at: Scalar | Position, image: string, shown: string): void {
  // An expression names the image only when the workflow runs: it cannot be judged here.
  if (isDigestPinned(image) || image.includes('${{')) return;
  ctx.report('PIN009', at, `The image ${shown} is not pinned to an @sha256: digest.`);
}

/**
 * Where a part of a scalar's value is in the file: the same text in the source, the how-manyth
 * occurrence it is in the value; the scalar itself when escapes or folding hide it.
 */
function positionInScalar(
  ctx: CheckContext,
  node: Scalar,
  value: string,
  start: number,
  end: number,
): Position {
  const raw = rawText(ctx.source, node);
  const needle = value.slice(start, end);
  if (!raw || needle === '') return position(ctx.source, node);
  let nth = 0;
  for (let i = value.indexOf(needle); i >= 0 && i < start; i = value.indexOf(needle, i + 1)) nth++;
  let at = raw.text.indexOf(needle);
  for (let k = 0; k < nth && at >= 0; k++) at = raw.text.indexOf(needle, at + 1);
  return at < 0 ? position(ctx.source, node) : positionAt(ctx.source, raw.offset + at);
}

function checkSteps(ctx: CheckContext, steps: Step[]): void {
  for (const step of steps) {
    if (step.uses) checkUses(ctx, step.uses);
    const script = scalarText(step.run);
    if (step.run && script) {
      for (const found of scriptImages(script)) {
        const at = positionInScalar(ctx, step.run, script, found.start, found.end);
        checkImage(ctx, at, found.image, `${found.image} (${found.command})`);
      }
    }
    const pulled = actionImage(ctx.source, step);
    if (pulled) {
      const value = scalarText(pulled.node) ?? '';
      const at = pulled.node
        ? positionInScalar(ctx, pulled.node, value, pulled.offset, pulled.offset + pulled.image.length)
        : step.uses!.node;
      checkImage(ctx, at, pulled.image, `${pulled.image} (${pulled.what})`);
    }
  }
}

function checkWorkflow(ctx: CheckContext, workflow: Workflow): void {
  const source = ctx.source;
  for (const job of workflow.jobs) {
    if (job.uses) checkUses(ctx, job.uses);
    checkSteps(ctx, job.steps);
    if (job.container) {
      const scalar = asScalar(source, job.container.value);
      const image =
        scalar ?? asScalar(source, entry(source, asMap(source, job.container.value), 'image')?.value);
      const value = scalarText(image);
      if (image && value) checkImage(ctx, image, value, value);
    }
    for (const service of entries(source, job.services)) {
      const image = asScalar(source, entry(source, asMap(source, service.value), 'image')?.value);
      const value = scalarText(image);
      if (image && value) checkImage(ctx, image, value, value);
    }
  }
}

function checkAction(ctx: CheckContext, action: Action): void {
  checkSteps(ctx, action.steps);
  const image = scalarText(action.image);
  if (action.image && image?.startsWith('docker://')) {
    checkImage(ctx, action.image, image.slice('docker://'.length), image);
  }
}

/**
 * PIN001–PIN009: what every `uses:` and image points at. PIN004 compares pins across files, so this
 * family records them and the audit judges them once every file is read.
 */
export const pinning: RuleFamily = {
  rules: ['PIN001', 'PIN002', 'PIN003', 'PIN006', 'PIN009'],
  workflow: checkWorkflow,
  action: checkAction,
};
