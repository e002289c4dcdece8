import { Markdown } from '@release-actions/core';
import { parseReceiptInput } from './receipt-input.js';
import { buildReceipt } from './receipt.js';
import { renderReceipt } from './receipt-render.js';

/**
 * At most this many bytes of the release notes are the receipt, so that the verification commands
 * after it always fit in GitHub's release body (125000 characters).
 */
export const RECEIPT_NOTES_LIMIT_BYTES = 60_000;

/**
 * The release notes publish writes: the receipt made from the `receipt` input (the needs context
 * as JSON), then the notes given (the verification commands). Undefined when both are empty.
 */
export function notesWithReceipt(options: {
  receipt?: string;
  releaseNotes?: string;
  runUrl?: string;
}): string | undefined {
  const parts: string[] = [];
  if (options.receipt !== undefined) {
    const receipt = buildReceipt(parseReceiptInput(options.receipt, 'receipt'));
    parts.push(
      renderReceipt(receipt, new Markdown(), { runUrl: options.runUrl })
        .toString(RECEIPT_NOTES_LIMIT_BYTES)
        .trimEnd(),
    );
  }
  if (options.releaseNotes !== undefined && options.releaseNotes.trim() !== '')
    parts.push(options.releaseNotes);
  return parts.length === 0 ? undefined : parts.join('\n\n');
}
