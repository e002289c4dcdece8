// For a spawned bundle or CLI: NODE_OPTIONS=--import <this file> (see NO_DNS_ENV in run-bundle.ts).
import { blockInvalidDns } from './no-dns.mjs';

blockInvalidDns();
