// Types of scripts/docs.mjs, for the tests that run the generator in memory.
export interface ActionMetadata {
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown } | null>;
  outputs?: Record<string, { description?: string } | null>;
}
export const WORKFLOW_FILE: string;
export const WORKFLOW_DOC: string;
export function cell(value: unknown): string;
export function inputsTable(action: ActionMetadata): string;
export function outputsTable(action: ActionMetadata): string;
export function workflowTables(workflow: unknown): string;
export function replaceRegion(text: string, name: string, content: string): string | undefined;
export function insertMarkers(text: string): string;
export function renderReadme(text: string, action: ActionMetadata): string;
export function renderWorkflowDoc(text: string, workflow: unknown, rootAction?: ActionMetadata): string;
export function actionFolders(root: string): string[];
export function generate(root: string): Map<string, { current: string; generated: string }>;
