// A Jest transform for the two packages published for bundlers that the workflow tests load,
// @actions/workflow-parser and @actions/languageservice: they import their JSON schemas without
// `with { type: 'json' }`, which Node refuses and Jest only warns about, until its next major makes
// it an error too. This adds the attribute to those static imports and changes nothing else.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const JSON_IMPORT = /^(import\s+[\w$]+\s+from\s+(["'])[^"'\n]+\.json\2)\s*;/gm;
const self = readFileSync(new URL(import.meta.url));

export default {
  process(source) {
    return { code: source.replace(JSON_IMPORT, '$1 with { type: "json" };') };
  },
  getCacheKey(source, file) {
    return createHash('sha256')
      .update(self)
      .update('\0')
      .update(file)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
