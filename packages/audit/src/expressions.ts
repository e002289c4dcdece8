import type { Scalar } from 'yaml';
import { positionAt, rawText, type Position, type SourceFile } from './source.js';

export interface Expression {
  /** The text between `${{` and `}}`, trimmed. */
  body: string;
  /** The whole `${{ ... }}` as written. */
  text: string;
  position: Position;
}

/** Every `${{ ... }}` in a scalar, positioned at its `$` in the source. */
export function expressionsIn(source: SourceFile, scalar: Scalar): Expression[] {
  const raw = rawText(source, scalar);
  if (!raw) return [];
  const out: Expression[] = [];
  const pattern = /\$\{\{([\s\S]*?)\}\}/g;
  for (const match of raw.text.matchAll(pattern)) {
    out.push({
      body: match[1]!.trim(),
      text: match[0],
      position: positionAt(source, raw.offset + match.index),
    });
  }
  return out;
}

export function referencesSecret(body: string): boolean {
  return /(^|[^\w.])secrets\s*(\.|\[)/.test(body);
}

const ANY_INDEX = String.raw`(?:\[[^\]]*\]|\.\*)`;
const PERSON = String.raw`(?:author|committer)\.(?:email|name)`;

/**
 * Context values an outsider controls (GitHub Security Lab's list): PR/issue/discussion titles and
 * bodies, comment and review bodies, commit messages and author fields, head branch names, wiki page names.
 */
const UNTRUSTED = [
  String.raw`github\.event\.(?:issue|pull_request|discussion)\.(?:title|body)`,
  String.raw`github\.event\.(?:comment|review|review_comment)\.body`,
  String.raw`github\.event\.pages${ANY_INDEX}\.page_name`,
  String.raw`github\.event\.commits${ANY_INDEX}\.(?:message|${PERSON})`,
  String.raw`github\.event\.head_commit\.(?:message|${PERSON})`,
  String.raw`github\.event\.pull_request\.head\.(?:ref|label|repo\.default_branch)`,
  String.raw`github\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|${PERSON})|pull_requests${ANY_INDEX}\.head\.ref)`,
  String.raw`github\.head_ref`,
].map((p) => new RegExp(String.raw`(?:^|[^\w.])(${p})(?![\w-])`));

/** The untrusted context path an expression reads, if any. */
export function untrustedContext(body: string): string | undefined {
  const compact = body.replace(/\s+/g, '');
  for (const pattern of UNTRUSTED) {
    const match = pattern.exec(compact);
    if (match) return match[1];
  }
  return undefined;
}
