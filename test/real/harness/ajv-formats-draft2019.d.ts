// The package ships no types; this is its one export (index.js): a plugin adding formats to ajv.
declare module 'ajv-formats-draft2019' {
  import type { default as Ajv } from 'ajv';
  export default function ajvFormatsDraft2019(ajv: Ajv, options?: { formats?: string[] }): Ajv;
}
