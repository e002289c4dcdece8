import { createHash, generateKeyPairSync, sign as signData, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A certificate transparency log front end on loopback that speaks RFC 6962's `add-pre-chain`
 * to the real Fulcio and returns a correctly signed SCT (v1, precert entry). No real CT log
 * (Trillian's CTFE, TesseraCT) is built for this tier, and without SCTs neither engine verifies
 * a keyless certificate unless told to skip the check, which is not what users run. The log
 * keeps nothing: Fulcio and the verifiers only ever see the SCT, as they do in production.
 */

export interface CTLog {
  url: string;
  /** PEM of the log's public key (Fulcio checks each SCT with it; the trusted root names it). */
  publicKeyPem: string;
  /** add-pre-chain requests answered. */
  submissions: number;
  stop(): Promise<void>;
}

// 1.3.6.1.4.1.11129.2.4.3, the precertificate poison extension.
const POISON_OID = Buffer.from('060a2b06010401d679020403', 'hex');

interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the content. */
  end: number;
  /** Offset of the tag byte. */
  offset: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = der.readUIntBE(offset + 2, bytes);
    start += bytes;
  }
  return { tag, start, end: start + length, offset };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const child = readTlv(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function encode(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let header: Buffer;
  if (n < 0x80) header = Buffer.from([tag, n]);
  else {
    const bytes = Math.ceil(n.toString(16).length / 2);
    header = Buffer.alloc(2 + bytes);
    header[0] = tag;
    header[1] = 0x80 | bytes;
    header.writeUIntBE(n, 2, bytes);
  }
  return Buffer.concat([header, content]);
}

/** The precertificate's TBSCertificate without the poison extension: what RFC 6962 §3.2 signs. */
export function tbsWithoutPoison(precertificate: Buffer): Buffer {
  const certificate = readTlv(precertificate, 0);
  const tbs = children(precertificate, certificate)[0]!;
  const parts = children(precertificate, tbs).map((field) => {
    const bytes = precertificate.subarray(field.offset, field.end);
    if (field.tag !== 0xa3) return bytes;
    const list = children(precertificate, field)[0]!;
    const kept = children(precertificate, list)
      .map((extension) => precertificate.subarray(extension.offset, extension.end))
      .filter((extension) => !extension.subarray(2, 2 + POISON_OID.length).equals(POISON_OID));
    return encode(0xa3, encode(0x30, Buffer.concat(kept)));
  });
  return encode(0x30, Buffer.concat(parts));
}

export async function startCTLog(): Promise<CTLog> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
  const logId = createHash('sha256').update(spki).digest();
  const state = { submissions: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/ct/v1/add-pre-chain')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const { chain } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { chain: string[] };
        const precert = Buffer.from(chain[0]!, 'base64');
        const issuer = new X509Certificate(Buffer.from(chain[1]!, 'base64'));
        const issuerKeyHash = createHash('sha256')
          .update(issuer.publicKey.export({ format: 'der', type: 'spki' }))
          .digest();
        const tbs = tbsWithoutPoison(precert);
        const timestamp = Date.now();
        const time = Buffer.alloc(8);
        time.writeBigUInt64BE(BigInt(timestamp));
        const tbsLength = Buffer.alloc(3);
        tbsLength.writeUIntBE(tbs.length, 0, 3);
        const signed = Buffer.concat([
          Buffer.from([0, 0]), // v1, certificate_timestamp
          time,
          Buffer.from([0, 1]), // precert_entry
          issuerKeyHash,
          tbsLength,
          tbs,
          Buffer.from([0, 0]), // no extensions
        ]);
        const signature = signData('sha256', signed, keys.privateKey);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(signature.length);
        state.submissions++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            sct_version: 0,
            id: logId.toString('base64'),
            timestamp,
            extensions: '',
            signature: Buffer.concat([Buffer.from([4, 3]), length, signature]).toString('base64'),
          }),
        );
      } catch (error) {
        res.writeHead(400).end((error as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/loopback`;
  return {
    url,
    publicKeyPem: keys.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    get submissions() {
      return state.submissions;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
