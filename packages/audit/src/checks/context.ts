import type { Node, Pair } from 'yaml';
import type { Action, Workflow } from '../model.js';
import type { RuleId } from '../rules.js';
import type { Severity } from '../severity.js';
import { position, type Position, type SourceFile } from '../source.js';

/** A finding before suppressions and config are applied. */
export interface RawFinding {
  rule: RuleId;
  severity?: Severity;
  line: number;
  column: number;
  message: string;
}

/** A pinned `uses:` seen in a file, for the cross-file consistency rule (PIN004). */
export interface PinRecord {
  file: string;
  line: number;
  column: number;
  action: string;
  sha: string;
  version?: string;
}

export class CheckContext {
  readonly findings: RawFinding[] = [];
  readonly pins: PinRecord[] = [];

  constructor(readonly source: SourceFile) {}

  report(rule: RuleId, at: Node | Pair | Position | undefined, message: string, severity?: Severity): void {
    const where = at && 'line' in at ? at : position(this.source, at as Node | undefined);
    this.findings.push({ rule, severity, line: where.line, column: where.column, message });
  }
}

/**
 * The checks of one rule family (the rules sharing an id prefix in rules.ts). A family looks at a
 * workflow, an action's metadata, or both, and reports only the rules it lists.
 */
export interface RuleFamily {
  rules: readonly RuleId[];
  workflow?(ctx: CheckContext, workflow: Workflow): void;
  action?(ctx: CheckContext, action: Action): void;
}
