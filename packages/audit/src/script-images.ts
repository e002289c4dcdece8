/**
 * Container images a `run:` script pulls: the image argument of `docker|podman run|create|pull`
 * (and `container run|create`, `image pull`). Shell is read only as far as finding that argument
 * needs: words, quotes, comments, command separators, line continuations.
 */

export interface ScriptImage {
  image: string;
  /** What pulls it, e.g. "docker run". */
  command: string;
  /** Where the word starts and ends in the script, quotes included. */
  start: number;
  end: number;
}

interface Word {
  text: string;
  start: number;
  end: number;
  /** Holds `$…`, `${{ … }}` or a backquote: its value is known only when the script runs. */
  dynamic: boolean;
}

const SEPARATORS = new Set(['\n', ';', '&', '|', '(', ')']);

/** Skips a bracketed span from `open` (an index of `$`), returning the index after its close. */
function skipSpan(script: string, open: number, opener: string, closer: string): number {
  let depth = 0;
  for (let i = open; i < script.length; i++) {
    if (script.startsWith(opener, i)) {
      depth++;
      i += opener.length - 1;
    } else if (script.startsWith(closer, i)) {
      depth--;
      if (depth === 0) return i + closer.length;
      i += closer.length - 1;
    }
  }
  return script.length;
}

/** The script's simple commands, each as its words. */
function commands(script: string): Word[][] {
  const out: Word[][] = [];
  let words: Word[] = [];
  let word: Word | undefined;
  const finishWord = (at: number): void => {
    if (word) {
      word.end = at;
      words.push(word);
    }
    word = undefined;
  };
  const finishCommand = (at: number): void => {
    finishWord(at);
    if (words.length > 0) out.push(words);
    words = [];
  };
  const current = (at: number): Word => (word ??= { text: '', start: at, end: at, dynamic: false });
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      finishWord(i);
      i++;
    } else if (SEPARATORS.has(c)) {
      finishCommand(i);
      i++;
    } else if (c === '#' && !word) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close;
      current(i).text += script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const w = current(i);
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && i + 1 < script.length) i++;
        else if (script[i] === '$' || script[i] === '`') w.dynamic = true;
        w.text += script[i];
        i++;
      }
      i++;
    } else if (c === '$' || c === '`') {
      const w = current(i);
      w.dynamic = true;
      let end = i + 1;
      if (script.startsWith('${{', i)) end = skipSpan(script, i, '${{', '}}');
      else if (script.startsWith('$(', i)) end = skipSpan(script, i + 1, '(', ')');
      else if (script.startsWith('${', i)) end = skipSpan(script, i + 1, '{', '}');
      else if (c === '`') end = script.indexOf('`', i + 1) + 1 || script.length;
      w.text += script.slice(i, end);
      i = end;
    } else {
      if (c === '\\' && i + 1 < script.length) i++;
      current(i).text += script[i];
      i++;
    }
  }
  finishCommand(script.length);
  return out;
}

/** Words that may come before the program without being it. */
const PREFIXES = new Set([
  'sudo',
  'exec',
  'time',
  'command',
  'nohup',
  'env',
  'if',
  'then',
  'else',
  'elif',
  'while',
  'until',
  'do',
  '!',
  '{',
]);
/** A redirection (`>out`, `2>`, `<in`); written alone, the next word is its file. */
const REDIRECTION = /^\d*(<|>)/;
const BARE_REDIRECTION = /^\d*(<|>)+&?$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Global options of docker and podman that take no value; any other option takes the next word. */
const GLOBAL_SWITCHES = new Set(['-D', '--debug', '--tls', '--tlsverify', '-r', '--remote', '--syslog']);

/** Options of run / create / pull that take no value (docker's and podman's). */
const SWITCHES = new Set([
  '--all-tags',
  '--detach',
  '--disable-content-trust',
  '--env-host',
  '--init',
  '--interactive',
  '--no-healthcheck',
  '--no-hosts',
  '--oom-kill-disable',
  '--privileged',
  '--publish-all',
  '--quiet',
  '--read-only',
  '--read-only-tmpfs',
  '--replace',
  '--rm',
  '--rmi',
  '--sig-proxy',
  '--tls-verify',
  '--tty',
]);
/** Single-letter switches by command; they may be grouped (`-dit`). `-a` is --attach (a value) for run. */
const SHORT_SWITCHES: Readonly<Record<string, ReadonlySet<string>>> = {
  run: new Set(['d', 'i', 'q', 't', 'P']),
  create: new Set(['i', 'q', 't', 'P']),
  pull: new Set(['a', 'q']),
};
const NO_SHORT_SWITCHES: ReadonlySet<string> = new Set();

/**
 * The index of the first word after the options starting at `from`, or -1: the global options of
 * docker / podman when `verb` is undefined, else those of that command.
 */
function firstOperand(words: readonly Word[], from: number, verb?: string): number {
  const global = verb === undefined;
  const shortSwitches = (verb && SHORT_SWITCHES[verb]) || NO_SHORT_SWITCHES;
  let i = from;
  while (i < words.length) {
    const w = words[i]!.text;
    if (w === '--') return i + 1 < words.length ? i + 1 : -1;
    if (REDIRECTION.test(w)) {
      i += BARE_REDIRECTION.test(w) ? 2 : 1;
      continue;
    }
    if (!w.startsWith('-') || w === '-') return i;
    if (w.startsWith('--')) {
      const takesValue = !w.includes('=') && !(global ? GLOBAL_SWITCHES : SWITCHES).has(w);
      i += takesValue ? 2 : 1;
      continue;
    }
    if (global) {
      i += GLOBAL_SWITCHES.has(w) ? 1 : 2;
      continue;
    }
    // A group of letters: switches, up to one that takes a value (the rest of the word, or the next word).
    let next = i + 1;
    for (let k = 1; k < w.length; k++) {
      if (shortSwitches.has(w[k]!)) continue;
      if (k === w.length - 1) next = i + 2;
      break;
    }
    i = next;
  }
  return -1;
}

const PULLING = new Map([
  ['run', 'run'],
  ['create', 'create'],
  ['pull', 'pull'],
  ['container run', 'run'],
  ['container create', 'create'],
  ['image pull', 'pull'],
]);

function imageOf(words: Word[]): ScriptImage | undefined {
  let p = 0;
  while (p < words.length && (PREFIXES.has(words[p]!.text) || ASSIGNMENT.test(words[p]!.text))) p++;
  // sudo's and env's own options.
  while (p < words.length && words[p]!.text.startsWith('-')) p++;
  const program = words[p]?.text.split('/').pop();
  if (program !== 'docker' && program !== 'podman') return undefined;
  const sub = firstOperand(words, p + 1);
  if (sub < 0) return undefined;
  let verb = PULLING.get(words[sub]!.text);
  let after = sub + 1;
  if (!verb && (words[sub]!.text === 'container' || words[sub]!.text === 'image')) {
    verb = PULLING.get(`${words[sub]!.text} ${words[sub + 1]?.text ?? ''}`);
    after = sub + 2;
  }
  if (!verb) return undefined;
  const at = firstOperand(words, after, verb);
  const word = words[at];
  // A variable or an expression names the image only when the script runs: it cannot be judged here.
  if (!word || word.dynamic || word.text === '') return undefined;
  return { image: word.text, command: `${program} ${verb}`, start: word.start, end: word.end };
}

/** Every image a script runs, creates or pulls by a literal name. */
export function scriptImages(script: string): ScriptImage[] {
  return commands(script).flatMap((words) => imageOf(words) ?? []);
}
