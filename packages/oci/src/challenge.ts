/**
 * `WWW-Authenticate` challenges (RFC 7235) as registries send them, e.g.
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push"`.
 * Parameter values may be quoted and contain commas, so a split on "," is not enough.
 */
export interface Challenge {
  /** Lowercase scheme: "bearer", "basic", … */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (chars: RegExp): void => {
    while (i < header.length && chars.test(header[i] ?? '')) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const match = TOKEN.exec(header);
    if (!match) return undefined;
    i = TOKEN.lastIndex;
    return match[0];
  };
  const quoted = (): string => {
    let out = '';
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      out += header[i];
      i++;
    }
    i++; // closing quote
    return out;
  };

  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (scheme === undefined) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(/[\s,]/);
      const start = i;
      const name = token();
      if (name === undefined) break;
      skip(/\s/);
      if (header[i] !== '=') {
        // Not a parameter: the next challenge's scheme (or a token68 credential, which we ignore).
        i = start;
        break;
      }
      i++;
      skip(/\s/);
      const value = header[i] === '"' ? quoted() : (token() ?? '');
      challenge.params[name.toLowerCase()] = value;
    }
    if (i === 0) break;
  }
  return challenges;
}
