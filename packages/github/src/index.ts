export { publishReleaseAssets } from './publish.js';
export type { PublishOptions, PublishResult, PublishedAsset, AssetOutcome, NotesOutcome } from './publish.js';
export { MAKE_LATEST, checkMakeLatest } from './release-publication.js';
export type { MakeLatest } from './release-publication.js';
export { NOTES_START, NOTES_END, MAX_RELEASE_BODY, checkReleaseNotes, spliceNotes } from './notes.js';
export { expandFiles, describeFiles } from './files.js';
export type { LocalAsset, ExpandOptions } from './files.js';
export { contentTypeFor } from './content-type.js';
export { parseRepository, checkTag, checkTargetCommitish, tagFromRef } from './target.js';
export { DEFAULT_API_URL } from './client.js';
export type { ClientTuning } from './client.js';
export { describeFailure } from './errors.js';
export type { GithubErrorCode } from './errors.js';
export { publishJson, publishOutputs, renderPublishSummary, renderPublishText } from './report.js';
export { parseReceiptInput, JOB_RESULTS, MAX_RECEIPT_INPUT_BYTES } from './receipt-input.js';
export type { ReceiptInput, ReceiptJob, JobResult } from './receipt-input.js';
export { buildReceipt, PIPELINE, PIPELINE_EDGES, MAX_PLATFORM_ROWS } from './receipt.js';
export type { Receipt, ReceiptRow, ReceiptJobState, ArtifactKind } from './receipt.js';
export { renderReceipt, pipelineDiagram, RECEIPT_HEADERS, runUrlFrom } from './receipt-render.js';
export type { ReceiptRenderOptions } from './receipt-render.js';
export { plain } from './receipt-text.js';
export { notesWithReceipt, RECEIPT_NOTES_LIMIT_BYTES } from './receipt-notes.js';
export { AttestationStore, openAttestationStore } from './attestation-store.js';
export type { AttestationStoreOptions, ListedAttestation, StoredAttestation } from './attestation-store.js';
export { attestationSource } from './attestation-source.js';
export {
  STORES,
  checkStore,
  storeBundles,
  storeIfAsked,
  storeOutputs,
  renderStoreSummary,
  renderStoreText,
} from './attestation-upload.js';
export type {
  Store,
  StoreRequest,
  StoreResult,
  StoredBundle,
  GitHubStoreTarget,
} from './attestation-upload.js';
