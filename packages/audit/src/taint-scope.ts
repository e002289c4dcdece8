import type { Node, Scalar, YAMLMap } from 'yaml';
import { ANY, keysOf, patternKeys, type ContextPath, type Segment } from './context-path.js';
import { expressionsIn, parseFound } from './expressions.js';
import { collectScalars, type Action, type Job, type Step, type Workflow } from './model.js';
import { asMap, asScalar, entries, entry, scalarText, text, type SourceFile } from './source.js';
import { taintOf, type Resolve, type Taint } from './taint.js';
import { untrustedEventFields } from './untrusted-event.js';
import { isAction } from './uses.js';

/** Where an expression is read: a step of a job (or of a composite action), and from which env level on. */
export interface Site {
  job?: Job;
  /** Steps before this index are visible; a job's outputs see all of them (index = steps.length). */
  step: number;
  /** The nearest env level the site sees: step, job, workflow, or none (matrix, env values of the top level). */
  env: EnvLevel;
}

export enum EnvLevel {
  Step = 0,
  Job = 1,
  Workflow = 2,
  None = 3,
}

const ENV_LEVEL_NAMES = ["the step's", "the job's", "the workflow's"];

/** Input types whose values are not free text: a flag, a number, one of the listed options or environments. */
const DISPATCH_CLOSED_TYPES = new Set(['boolean', 'number', 'choice', 'environment']);
const CALL_CLOSED_TYPES = new Set(['boolean', 'number']);

const SEVERITY_RANK = { medium: 0, high: 1 };

/** The taint most worth reporting: the first of the highest severity. */
export function strongest(taints: readonly Taint[]): Taint | undefined {
  let best: Taint | undefined;
  for (const t of taints) if (!best || SEVERITY_RANK[t.severity] > SEVERITY_RANK[best.severity]) best = t;
  return best;
}

/**
 * The first taint of each severity: all a finding names, and what keeps a chain of steps that
 * each read every earlier output (`toJSON(steps)`) from doubling the list at every step.
 */
function representatives(taints: readonly Taint[]): Taint[] {
  const high = taints.find((t) => t.severity === 'high');
  const medium = taints.find((t) => t.severity === 'medium');
  return [high, medium].filter((t): t is Taint => t !== undefined);
}

/** A value derived from another: `reading` is what the expression reads, `how` how it got the taint. */
function via(reading: string, inner: Taint, how: string, cap?: 'medium'): Taint {
  return {
    path: reading,
    severity: cap ?? inner.severity,
    reason: `${how} ${inner.path}, which is ${inner.reason}`,
  };
}

function keyMatches(key: string | undefined, name: string): boolean {
  return key === undefined || key === ANY || key === name.toLowerCase();
}

/**
 * What each context holds at a site of one workflow or action, for INJ001:
 * - `github`: the event fields an outsider writes (untrusted-event.ts), high;
 * - `inputs` (and `github.event.inputs`): text inputs of workflow_dispatch / workflow_call, or any
 *   input of a composite action, medium: a writer or the caller chooses them. Inputs typed boolean
 *   or number (and, for workflow_dispatch, choice or environment) hold no free text;
 * - `env`: the nearest definition (step, then job, then workflow) carries the taint of its value,
 *   and a variable an earlier script step may have written to $GITHUB_ENV the taint of that step;
 * - `steps.<id>.outputs`: a run: or actions/github-script step's outputs carry the taint of its
 *   script and step env, and of the job and workflow env variables its script names (a script file
 *   it calls may write $GITHUB_OUTPUT, so the output need not be written in the step itself). The
 *   outputs of other actions are tainted, at medium, only when the step's `with:` or env carries
 *   text an outsider writes (high): the action may hand that text back, and its code is not here
 *   to read. Fed anything else, an action is trusted: reporting every third-party output would bury
 *   the findings that matter;
 * - `needs.<job>.outputs`: the taint of the job's `outputs:` expressions at the end of that job (for
 *   a reusable workflow, as for an action: medium, when its `with:` carries an outsider's text);
 * - `matrix`: the taint of the expressions in the job's `strategy:`;
 * - `vars`, `secrets` (CRED003's concern), `runner`, `job`, `strategy`, `jobs`: trusted.
 * What a script reads at run time (the event file, `git log`) is not followed.
 */
export class TaintScope {
  private readonly stepInputs = new Map<Step, Taint[]>();
  private readonly jobOutputs = new Map<string, Taint[]>();
  private readonly matrices = new Map<Job, Taint[]>();
  private readonly inputs: Map<string, boolean>;

  constructor(
    private readonly source: SourceFile,
    private readonly model: Workflow | Action,
  ) {
    this.inputs = this.readInputs();
  }

  /** The resolver of context reads at a site. */
  resolver(site: Site): Resolve {
    return (path) => representatives(this.resolve(site, path));
  }

  /** The taints of every `${{ }}` in a scalar read at a site; one that does not parse counts as tainted. */
  scalarTaints(scalar: Scalar | undefined, site: Site): Taint[] {
    if (!scalar) return [];
    const taints = expressionsIn(this.source, scalar).flatMap((expression): Taint[] => {
      const parsed = parseFound(expression);
      if (!parsed.ok) {
        return [
          {
            path: expression.text,
            severity: 'high',
            reason: `an expression that does not parse (${parsed.error})`,
          },
        ];
      }
      return taintOf(parsed.expr, this.resolver(site));
    });
    return representatives(taints);
  }

  private resolve(site: Site, path: ContextPath): Taint[] {
    const [first, second, third] = path.segments;
    switch (path.root) {
      case 'github':
        if (first?.key === 'event' && second?.key === 'inputs') return this.inputTaint(third, path.text);
        return this.eventTaint(path);
      case 'inputs':
        return this.inputTaint(first, path.text);
      case 'env':
        return [...this.envTaint(site, first, path.text), ...this.exportedTaint(site, first, path.text)];
      case 'steps':
        return this.stepsTaint(site, path);
      case 'needs':
        return this.model.kind === 'workflow' ? this.needsTaint(path) : [];
      case 'matrix':
        return site.job ? this.matrixTaint(site.job, path.text) : [];
      default:
        return [];
    }
  }

  private eventTaint(path: ContextPath): Taint[] {
    const fields = untrustedEventFields(path);
    if (fields.length === 0) return [];
    const within = keysOf(path).length >= patternKeys(fields[0]!).length;
    const reason = within
      ? 'set by whoever opens the event'
      : `an object holding text set by whoever opens the event (${fields[0]})`;
    return [{ path: path.text, severity: 'high', reason }];
  }

  /** Input names (lower-case) → whether the input holds free text. */
  private readInputs(): Map<string, boolean> {
    const found = new Map<string, boolean>();
    const declare = (map: YAMLMap | undefined, closed: Set<string> | undefined) => {
      for (const e of entries(this.source, map)) {
        const name = scalarText(e.key)!.toLowerCase();
        const type = text(this.source, asMap(this.source, e.value), 'type') ?? 'string';
        const free = !closed?.has(type);
        found.set(name, (found.get(name) ?? false) || free);
      }
    };
    if (this.model.kind === 'action') {
      declare(asMap(this.source, entry(this.source, this.model.root, 'inputs')?.value), undefined);
      return found;
    }
    const on = asMap(this.source, this.model.on?.value);
    const inputsOf = (trigger: string) =>
      asMap(
        this.source,
        entry(this.source, asMap(this.source, entry(this.source, on, trigger)?.value), 'inputs')?.value,
      );
    declare(inputsOf('workflow_dispatch'), DISPATCH_CLOSED_TYPES);
    declare(inputsOf('workflow_call'), CALL_CLOSED_TYPES);
    return found;
  }

  private inputTaint(name: Segment | undefined, reading: string): Taint[] {
    const free =
      name === undefined || name.key === ANY
        ? [...this.inputs.values()].some(Boolean)
        : (this.inputs.get(name.key) ?? true); // an undeclared input: nothing says what it holds
    if (!free) return [];
    const reason =
      this.model.kind === 'action'
        ? 'an input of this action, set by the workflow that uses it'
        : 'a text input, set by whoever dispatches or calls the workflow';
    return [{ path: reading, severity: 'medium', reason }];
  }

  /** A job's or the workflow's `env:` (a whole-map expression counts for every name), or a step's. */
  private envAt(site: Site, level: EnvLevel): { map?: YAMLMap; whole?: Scalar } {
    let owner: YAMLMap | undefined;
    if (level === EnvLevel.Step) owner = this.stepsOf(site.job)[site.step]?.node;
    else if (level === EnvLevel.Job) owner = site.job?.node;
    else if (level === EnvLevel.Workflow && this.model.kind === 'workflow') owner = this.model.root;
    const value = entry(this.source, owner, 'env')?.value;
    return { map: asMap(this.source, value), whole: asScalar(this.source, value) };
  }

  private envTaint(site: Site, name: Segment | undefined, reading: string): Taint[] {
    const found: Taint[] = [];
    for (let level = site.env; level < EnvLevel.None; level++) {
      const { map, whole } = this.envAt(site, level);
      const inner = { ...site, env: level + 1 };
      const how = `set in ${ENV_LEVEL_NAMES[level]} env: from`;
      if (whole) {
        // Which names a whole-map expression defines is known only at run time: it may or may not
        // hide the outer levels, so both count.
        found.push(...this.scalarTaints(whole, inner).map((t) => via(reading, t, how)));
        continue;
      }
      const defined = entries(this.source, map).filter((e) => keyMatches(name?.key, scalarText(e.key)!));
      for (const e of defined) {
        const taints = this.scalarTaints(asScalar(this.source, e.value), inner);
        found.push(...taints.map((t) => via(reading, t, how)));
      }
      // The nearest definition wins.
      if (defined.length > 0 && name && name.key !== ANY) return found;
    }
    return found;
  }

  private stepsOf(job: Job | undefined): Step[] {
    return job ? job.steps : this.model.kind === 'action' ? this.model.steps : [];
  }

  private stepsTaint(site: Site, path: ContextPath): Taint[] {
    const [id, field] = path.segments;
    // outcome and conclusion are success, failure, cancelled or skipped.
    if (field && field.key !== ANY && field.key !== 'outputs') return [];
    const steps = this.stepsOf(site.job).slice(0, site.step);
    return steps.flatMap((step) => {
      const stepId = text(this.source, step.node, 'id');
      if (stepId === undefined || !keyMatches(id?.key, stepId)) return [];
      return this.stepOutputTaint(site.job, step, stepId).map((t) => ({ ...t, path: path.text }));
    });
  }

  /** The script of a run: step or of an actions/github-script step. */
  private scriptOf(step: Step): Scalar | undefined {
    if (!step.uses) return step.run;
    if (!isAction(step.uses.ref, 'actions/github-script')) return undefined;
    return asScalar(this.source, entry(this.source, step.with, 'script')?.value);
  }

  /**
   * What a step is fed: its `with:` and own env, and for a script, the script and the job and
   * workflow variables it names.
   */
  private stepInputTaint(job: Job | undefined, step: Step): Taint[] {
    const known = this.stepInputs.get(step);
    if (known) return known;
    this.stepInputs.set(step, []);
    const site: Site = { job, step: step.index, env: EnvLevel.Step };
    const outer: Site = { ...site, env: EnvLevel.Job };
    const taints = [
      ...this.withTaints(step, site),
      ...entries(this.source, step.env).flatMap((e) =>
        this.scalarTaints(asScalar(this.source, e.value), outer),
      ),
    ];
    const script = this.scriptOf(step);
    if (script) {
      const named = this.inheritedEnvNames(site).filter((n) => mentions(scalarText(script) ?? '', n));
      taints.push(
        ...this.scalarTaints(script, site),
        ...named.flatMap((n) => this.envTaint(outer, { key: n.toLowerCase(), text: `.${n}` }, `env.${n}`)),
      );
    }
    const kept = representatives(taints);
    this.stepInputs.set(step, kept);
    return kept;
  }

  private stepOutputTaint(job: Job | undefined, step: Step, id: string): Taint[] {
    const given = this.stepInputTaint(job, step);
    if (this.scriptOf(step)) {
      return given.map((t) => via(`steps.${id}.outputs`, t, `written by step "${id}" from`));
    }
    return handedBack(given).map((t) =>
      via(`steps.${id}.outputs`, t, `an output of step "${id}", an action given`, 'medium'),
    );
  }

  /**
   * Variables earlier script steps of the job may have written to $GITHUB_ENV: those whose script
   * names $GITHUB_ENV (or core.exportVariable) and the variable, with the taint of what the step is
   * fed. Which line writes what is a matter of shell; naming both is enough to count.
   */
  private exportedTaint(site: Site, name: Segment | undefined, reading: string): Taint[] {
    return this.stepsOf(site.job)
      .slice(0, site.step)
      .flatMap((step) => {
        const script = scalarText(this.scriptOf(step)) ?? '';
        if (!/GITHUB_ENV|exportVariable/.test(script)) return [];
        if (name && name.key !== ANY && !mentions(script, name.key)) return [];
        const label = text(this.source, step.node, 'id') ?? `${step.index + 1}`;
        return this.stepInputTaint(site.job, step).map((t) =>
          via(reading, t, `written to $GITHUB_ENV by step "${label}" from`),
        );
      });
  }

  private withTaints(step: Step, site: Site): Taint[] {
    if (!step.with) return [];
    return collectScalars(this.source, step.with).flatMap((s) => this.scalarTaints(s, site));
  }

  /** Env names the job and the workflow define (a whole-map expression defines none by name). */
  private inheritedEnvNames(site: Site): string[] {
    return [EnvLevel.Job, EnvLevel.Workflow].flatMap((level) =>
      entries(this.source, this.envAt(site, level).map).map((e) => scalarText(e.key)!),
    );
  }

  private needsTaint(path: ContextPath): Taint[] {
    if (this.model.kind !== 'workflow') return [];
    const [jobId, field, output] = path.segments;
    // result is success, failure, cancelled or skipped.
    if (field && field.key !== ANY && field.key !== 'outputs') return [];
    return this.model.jobs
      .filter((job) => keyMatches(jobId?.key, job.id))
      .flatMap((job) => this.jobOutputTaint(job, output))
      .map((t) => ({ ...t, path: path.text }));
  }

  private jobOutputTaint(job: Job, output: Segment | undefined): Taint[] {
    const key = `${job.id}\n${output?.key ?? ANY}`;
    const known = this.jobOutputs.get(key);
    if (known) return known;
    this.jobOutputs.set(key, []);
    const site: Site = { job, step: job.steps.length, env: EnvLevel.Job };
    let taints: Taint[];
    if (job.uses) {
      const given = asMap(this.source, entry(this.source, job.node, 'with')?.value);
      taints = handedBack(
        (given ? collectScalars(this.source, given) : []).flatMap((s) => this.scalarTaints(s, site)),
      ).map((t) =>
        via(`needs.${job.id}.outputs`, t, `an output of job "${job.id}", a workflow given`, 'medium'),
      );
    } else {
      const outputs = asMap(this.source, entry(this.source, job.node, 'outputs')?.value);
      taints = entries(this.source, outputs)
        .filter((e) => keyMatches(output?.key, scalarText(e.key)!))
        .flatMap((e) => this.scalarTaints(asScalar(this.source, e.value), site))
        .map((t) => via(`needs.${job.id}.outputs`, t, `an output of job "${job.id}", set from`));
    }
    this.jobOutputs.set(key, taints);
    return taints;
  }

  private matrixTaint(job: Job, reading: string): Taint[] {
    let taints = this.matrices.get(job);
    if (!taints) {
      this.matrices.set(job, []);
      const strategy = entry(this.source, job.node, 'strategy')?.value;
      const site: Site = { job, step: 0, env: EnvLevel.None };
      taints = (strategy ? collectScalars(this.source, strategy as Node) : []).flatMap((s) =>
        this.scalarTaints(s, site),
      );
      this.matrices.set(job, taints);
    }
    return taints.map((t) => via(reading, t, 'a value of the strategy.matrix built from'));
  }
}

/**
 * What an action (or a called workflow) may hand back in its outputs: only text an outsider writes.
 * That it echoes its inputs is a guess; a guess built on a writer's input, or on another action's
 * output, flags digests and builder names (a chain of setup-buildx → build-push-action), not text.
 */
function handedBack(given: Taint[]): Taint[] {
  return given.filter((t) => t.severity === 'high');
}

/** Whether a script names an environment variable (`$NAME`, `${NAME}`, `$env:NAME`, `%NAME%`, `process.env.NAME`). */
function mentions(script: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w])${escaped}($|[^\\w])`, 'i').test(script);
}
