import { Markdown } from '@release-actions/core';
import { readString, runAction, writeSummary } from '@release-actions/kit';
import { buildReceipt, parseReceiptInput, renderReceipt, runUrlFrom } from '@release-actions/github';

await runAction(async () => {
  const needs = parseReceiptInput(readString('needs', { required: true }), 'needs');
  await writeSummary(renderReceipt(buildReceipt(needs), new Markdown(), { runUrl: runUrlFrom(process.env) }));
});
