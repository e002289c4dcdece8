// Types of test/harness/no-dns.mjs.
export function blockInvalidDns(): () => void;
