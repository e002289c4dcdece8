import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTool } from './registry.js';

/**
 * Real images for the loopback registry: OCI layouts built with umoci (one small file layer per
 * image), multi-platform indexes assembled in the layout (umoci has no index command), pushed
 * with skopeo exactly as a user's pipeline pushes. Digests are read from the layout, never from
 * the code under test.
 */
export const UMOCI = '/usr/bin/umoci';
export const SKOPEO = '/usr/bin/skopeo';

/**
 * `skopeo copy` of an image in a loopback registry to an OCI archive file (what `file:<path>`
 * sources read), under a policy file of our own; returns skopeo's stderr ('' when all went well).
 */
export function saveOciArchive(reference: string, archive: string): string {
  requireTool(SKOPEO, 'skopeo');
  const policy = `${archive}.policy.json`;
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  try {
    const copy = spawnSync(
      SKOPEO,
      [
        '--policy',
        policy,
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        `docker://${reference}`,
        `oci-archive:${archive}`,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    return copy.error ? String(copy.error) : copy.stderr;
  } finally {
    rmSync(policy, { force: true });
  }
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface BuiltIndex {
  index: Descriptor;
  manifests: (Descriptor & { platform: Platform })[];
}

function tool(binary: string, args: string[], aptPackage: string): string {
  requireTool(binary, aptPackage);
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(binary)} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`,
    );
  }
  return result.stdout;
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** An OCI image layout in a temporary directory. */
export class Layout {
  readonly dir: string;
  private readonly scratch: string;

  constructor() {
    this.scratch = mkdtempSync(path.join(os.tmpdir(), 'oci-layout-'));
    this.dir = path.join(this.scratch, 'layout');
    tool(UMOCI, ['init', '--layout', this.dir], 'umoci');
  }

  /** The descriptor the layout's index.json records for `tag`. */
  descriptor(tag: string): Descriptor {
    const index = JSON.parse(readFileSync(path.join(this.dir, 'index.json'), 'utf8')) as {
      manifests: Descriptor[];
    };
    const found = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (found === undefined) throw new Error(`tag ${tag} is not in layout ${this.dir}`);
    return { mediaType: found.mediaType, digest: found.digest, size: found.size };
  }

  /** A one-layer image (a file /hello with `content`) for `platform`, tagged `tag` in the layout. */
  image(tag: string, platform: Platform, content: string): Descriptor {
    const image = `${this.dir}:${tag}`;
    tool(UMOCI, ['new', '--image', image], 'umoci');
    const config = ['config', '--image', image, '--os', platform.os, '--architecture', platform.architecture];
    tool(UMOCI, [...config, '--config.cmd', '/hello'], 'umoci');
    const file = path.join(this.scratch, `${tag}.txt`);
    writeFileSync(file, content);
    tool(UMOCI, ['insert', '--rootless', '--image', image, file, '/hello'], 'umoci');
    return this.descriptor(tag);
  }

  /** Writes `content` as a blob and returns its digest. */
  blob(content: Buffer | string): string {
    const digest = sha256(content);
    const dir = path.join(this.dir, 'blobs', 'sha256');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, digest.slice('sha256:'.length)), content);
    return digest;
  }

  /** Records `descriptor` under `tag` in index.json, replacing an earlier entry for the tag. */
  tag(tag: string, descriptor: Descriptor): void {
    const file = path.join(this.dir, 'index.json');
    const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
    index.manifests = index.manifests.filter(
      (m) => m.annotations?.['org.opencontainers.image.ref.name'] !== tag,
    );
    index.manifests.push({
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      annotations: { 'org.opencontainers.image.ref.name': tag },
    });
    writeFileSync(file, JSON.stringify(index));
  }

  /** An image index over one image per platform, tagged `tag` (the images are tagged `<tag>-<os>-<arch>`). */
  index(tag: string, platforms: Platform[], content = 'hello'): BuiltIndex {
    const manifests = platforms.map((platform) => {
      const suffix = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('-');
      return { ...this.image(`${tag}-${suffix}`, platform, `${content} ${suffix}\n`), platform };
    });
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });
    const index: Descriptor = {
      mediaType: OCI_INDEX,
      digest: this.blob(body),
      size: Buffer.byteLength(body),
    };
    this.tag(tag, index);
    return { index, manifests };
  }

  /**
   * An artifact manifest referring to `subject` (layer: `content` as `artifactType`), plus the
   * `sha256-<hex>` referrers index that a registry without the referrers API needs, both tagged.
   */
  referrer(
    subject: Descriptor,
    artifactType: string,
    content: string,
  ): { artifact: Descriptor; indexTag: string } {
    const emptyConfig = { mediaType: 'application/vnd.oci.empty.v1+json', digest: this.blob('{}'), size: 2 };
    const layer = { mediaType: artifactType, digest: this.blob(content), size: Buffer.byteLength(content) };
    const subjectDescriptor = { mediaType: subject.mediaType, digest: subject.digest, size: subject.size };
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: emptyConfig,
      layers: [layer],
      subject: subjectDescriptor,
    });
    const artifact: Descriptor = {
      mediaType: OCI_MANIFEST,
      digest: this.blob(manifest),
      size: Buffer.byteLength(manifest),
      artifactType,
    };
    const indexTag = subject.digest.replace(':', '-');
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [artifact] });
    this.tag(indexTag, { mediaType: OCI_INDEX, digest: this.blob(body), size: Buffer.byteLength(body) });
    return { artifact, indexTag };
  }

  /**
   * `skopeo copy --all` of `tag` to `registryHost/repository:destTag`. Asynchronous, because the
   * registry's token service may run in this very process.
   */
  async push(
    tag: string,
    registryHost: string,
    repository: string,
    options: { destTag?: string; creds?: { username: string; password: string } } = {},
  ): Promise<void> {
    // Our own policy file: the tests must not depend on (or be loosened by) /etc/containers/policy.json.
    const policy = path.join(this.scratch, 'policy.json');
    writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const args = ['--policy', policy, 'copy', '--all', '--quiet', '--dest-tls-verify=false'];
    if (options.creds !== undefined)
      args.push('--dest-creds', `${options.creds.username}:${options.creds.password}`);
    args.push(`oci:${this.dir}:${tag}`, `docker://${registryHost}/${repository}:${options.destTag ?? tag}`);
    requireTool(SKOPEO, 'skopeo');
    await new Promise<void>((resolve, reject) => {
      execFile(SKOPEO, args, { timeout: 120_000 }, (error, _stdout, stderr) => {
        if (error === null) resolve();
        else
          reject(
            new Error(`skopeo copy to ${registryHost}/${repository} failed: ${error.message} ${stderr}`),
          );
      });
    });
  }

  remove(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
