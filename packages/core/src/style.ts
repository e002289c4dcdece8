/**
 * Emphasis for terminal text. Renderers take a TextStyle so the same text is plain in a file, a pipe
 * or under NO_COLOR (https://no-color.org) and marked up on a terminal; meaning never rides on
 * colour alone (blocking findings also carry `!`).
 */
export interface TextStyle {
  readonly color: boolean;
  bold(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

const same = (text: string) => text;

export const plainStyle: TextStyle = {
  color: false,
  bold: same,
  red: same,
  yellow: same,
  green: same,
  dim: same,
};

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const ansiStyle: TextStyle = {
  color: true,
  bold: sgr(1, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
  dim: sgr(2, 22),
};

/**
 * Colour only for a terminal, and never when NO_COLOR is set to anything non-empty, --no-color is
 * given or TERM is "dumb".
 */
export function styleFor(options: {
  isTTY: boolean | undefined;
  env: NodeJS.ProcessEnv;
  noColor?: boolean;
}): TextStyle {
  const { isTTY, env, noColor } = options;
  if (!isTTY || noColor || (env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb') return plainStyle;
  return ansiStyle;
}
