/**
 * A small Markdown builder for job summaries and CLI reports. It has no runner dependency, so the
 * CLI prints the same report an action writes to its summary.
 */

/** GitHub rejects a step summary over 1 MiB; stay clearly below it. */
export const SUMMARY_LIMIT_BYTES = 1_000_000;

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Inline code; the fence is longer than any backtick run inside, and padded where text touches it. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export class Markdown {
  private readonly blocks: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    this.blocks.push(`${'#'.repeat(level)} ${text}`);
    return this;
  }

  paragraph(text: string): this {
    this.blocks.push(text);
    return this;
  }

  list(items: readonly string[]): this {
    if (items.length > 0) this.blocks.push(items.map((item) => `- ${item}`).join('\n'));
    return this;
  }

  /** Cells are escaped; pass already-formatted Markdown (links, code) as cell text. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): this {
    const lines = [
      `| ${headers.map(escapeCell).join(' | ')} |`,
      `| ${headers.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
    ];
    this.blocks.push(lines.join('\n'));
    return this;
  }

  details(summary: string, body: string): this {
    this.blocks.push(`<details><summary>${summary}</summary>\n\n${body}\n\n</details>`);
    return this;
  }

  codeBlock(text: string, language = ''): this {
    this.blocks.push(`\`\`\`${language}\n${text}\n\`\`\``);
    return this;
  }

  raw(markdown: string): this {
    this.blocks.push(markdown);
    return this;
  }

  /** The document, cut at a block boundary when it would pass `limit` bytes, with a note saying so. */
  toString(limit = SUMMARY_LIMIT_BYTES): string {
    const note = '\n\n_The rest of this summary was cut to stay within the job summary size limit._\n';
    let out = '';
    for (const block of this.blocks) {
      const next = out === '' ? block : `${out}\n\n${block}`;
      if (Buffer.byteLength(next) + Buffer.byteLength(note) > limit) return out + note;
      out = next;
    }
    return `${out}\n`;
  }
}
