import * as core from '@actions/core';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationLocation {
  /** Path relative to the repository root, as the runner links it in the pull request. */
  file?: string;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  title?: string;
}

/** An annotation on a file position (the logger's warning/notice carry no location). */
export function annotate(level: AnnotationLevel, message: string, location: AnnotationLocation = {}): void {
  const properties: core.AnnotationProperties = { ...location };
  if (level === 'error') core.error(message, properties);
  else if (level === 'warning') core.warning(message, properties);
  else core.notice(message, properties);
}
