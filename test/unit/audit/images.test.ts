import { describe, expect, it } from '@jest/globals';
import { auditSources, type Finding } from '@release-actions/audit';
import { scriptImages } from '../../../packages/audit/src/script-images.js';
import { oneJobWorkflow, PINNED_SHA } from '../../harness/one-job-workflow.js';

const SHA = PINNED_SHA;
const DIGEST = `sha256:${'b'.repeat(64)}`;

/** The text of the workflow from a finding's position to the end of its line. */
const at = (text: string, f: Finding) => text.split('\n')[f.line - 1]!.slice(f.column - 1);

const images = (script: string) => scriptImages(script).map((i) => [i.command, i.image]);

const workflow = (steps: string[], extra: string[] = []): string =>
  oneJobWorkflow({ job: '{}', jobLines: extra, steps });

function pins(text: string): Finding[] {
  return auditSources([{ file: 'w.yml', text }]).findings.filter((f) => f.rule === 'PIN009');
}

describe('images in run: scripts', () => {
  it('finds the image argument of docker and podman run, create and pull past their options', () => {
    expect(images('docker run --rm -v "$PWD:/src" -w /src -e CI=1 alpine:3.22 sh -c "echo hi"')).toEqual([
      ['docker run', 'alpine:3.22'],
    ]);
    expect(images('docker run -it --name x -p 8080:80 nginx')).toEqual([['docker run', 'nginx']]);
    expect(images('docker run -e=A --env=B -dit ubuntu:24.04 bash')).toEqual([
      ['docker run', 'ubuntu:24.04'],
    ]);
    expect(images('podman pull --platform linux/arm64 quay.io/org/tool:1.2')).toEqual([
      ['podman pull', 'quay.io/org/tool:1.2'],
    ]);
    expect(images('docker container create --name c busybox:1')).toEqual([['docker create', 'busybox:1']]);
    expect(images('docker image pull -q redis:7')).toEqual([['docker pull', 'redis:7']]);
    expect(images('docker --host tcp://h:2375 --debug run alpine')).toEqual([['docker run', 'alpine']]);
    expect(images('docker run --rm -- alpine:3 true')).toEqual([['docker run', 'alpine:3']]);
    expect(images('docker run -a stdout -a stderr alpine:3 true')).toEqual([['docker run', 'alpine:3']]);
    expect(images('docker pull -a alpine')).toEqual([['docker pull', 'alpine']]);
  });

  it('follows command separators, prefixes, continuations, redirections and quotes', () => {
    expect(images('make build && sudo -E docker pull nginx:1 >/dev/null 2>&1; echo done')).toEqual([
      ['docker pull', 'nginx:1'],
    ]);
    expect(
      images('if ! docker run --rm \\\n    --network host \\\n    "ghcr.io/o/app:1"; then exit 1; fi'),
    ).toEqual([['docker run', 'ghcr.io/o/app:1']]);
    expect(images("FOO=1 /usr/bin/podman run 'alpine:3'\ndocker run busybox")).toEqual([
      ['podman run', 'alpine:3'],
      ['docker run', 'busybox'],
    ]);
  });

  it('skips what is not a pull, and comments', () => {
    expect(images('echo docker run alpine')).toEqual([]);
    expect(images('# docker run alpine\ndocker build -t app . && docker push app:1')).toEqual([]);
    expect(images('docker images && docker ps -a && docker container ls')).toEqual([]);
  });

  it('skips images named by a variable or an expression: they cannot be judged', () => {
    for (const script of [
      'docker run "$IMAGE"',
      'docker run --rm ${REGISTRY}/app:1',
      'docker pull ${{ inputs.image }}',
      'docker run --rm $(cat image.txt)',
      'docker run `cat image.txt`',
      'docker run "ghcr.io/o/app:${TAG}"',
    ]) {
      expect([script, images(script)]).toEqual([script, []]);
    }
  });
});

describe('PIN009: images pulled by tag', () => {
  it('reports a tag in a run: script at the image, and passes a digest', () => {
    const text = workflow([
      '- run: |',
      '    echo start',
      '    docker run --rm alpine:3.22 true',
      `    docker pull alpine:3.22@${DIGEST}`,
      '    docker pull "$IMAGE"',
    ]);
    const found = pins(text);
    expect(found.map((f) => [f.line, f.column, f.severity, f.message])).toEqual([
      [14, 27, 'medium', 'The image alpine:3.22 (docker run) is not pinned to an @sha256: digest.'],
    ]);
    expect(at(text, found[0]!)).toMatch(/^alpine:3\.22 true/);
  });

  it('points at the second of two equal images', () => {
    const text = workflow(['- run: |', '    docker pull redis:7', '    docker run redis:7']);
    const found = pins(text);
    expect(found.map((f) => [f.line, f.column])).toEqual([
      [13, 23],
      [14, 22],
    ]);
    expect(found.map((f) => at(text, f))).toEqual(['redis:7', 'redis:7']);
  });

  it('reads the image inputs of well-known actions, their defaults included', () => {
    const text = workflow([
      `- uses: docker/setup-qemu-action@${SHA} # v3.6.0`,
      '  with:',
      '    image: tonistiigi/binfmt:qemu-v9',
      `- uses: docker/setup-buildx-action@${SHA} # v3.11.1`,
      '  with:',
      '    driver-opts: |',
      '      network=host',
      '      image=moby/buildkit:v0.23.0',
      `- uses: docker/setup-qemu-action@${SHA} # v3.6.0`,
      `- uses: docker/setup-buildx-action@${SHA} # v3.11.1`,
      `- uses: addnab/docker-run-action@${SHA} # v3.0.0`,
      '  with:',
      '    image: golang:1.24',
    ]);
    const found = pins(text);
    expect(found.map((f) => [f.line, f.column, f.message])).toEqual([
      [
        14,
        18,
        "The image tonistiigi/binfmt:qemu-v9 (docker/setup-qemu-action's image) is not pinned to an @sha256: digest.",
      ],
      [
        19,
        19,
        "The image moby/buildkit:v0.23.0 (docker/setup-buildx-action's driver-opts) is not pinned to an @sha256: digest.",
      ],
      [
        20,
        15,
        "The image tonistiigi/binfmt:latest (docker/setup-qemu-action's default image) is not pinned to an @sha256: digest.",
      ],
      [
        21,
        15,
        "The image moby/buildkit:buildx-stable-1 (docker/setup-buildx-action's default image) is not pinned to an @sha256: digest.",
      ],
      [
        24,
        18,
        "The image golang:1.24 (addnab/docker-run-action's image) is not pinned to an @sha256: digest.",
      ],
    ]);
    expect(found.map((f) => at(text, f).split(/[\s,]/)[0])).toEqual([
      'tonistiigi/binfmt:qemu-v9',
      'moby/buildkit:v0.23.0',
      `docker/setup-qemu-action@${SHA}`,
      `docker/setup-buildx-action@${SHA}`,
      'golang:1.24',
    ]);
  });

  it('passes digest-pinned action images, drivers that pull none, and expressions', () => {
    const found = pins(
      workflow(
        [
          `- uses: docker/setup-qemu-action@${SHA} # v3.6.0`,
          '  with:',
          `    image: tonistiigi/binfmt:qemu-v9@${DIGEST}`,
          `- uses: docker/setup-buildx-action@${SHA} # v3.11.1`,
          '  with:',
          `    driver-opts: network=host,image=moby/buildkit:v0.23.0@${DIGEST}`,
          `- uses: docker/setup-buildx-action@${SHA} # v3.11.1`,
          '  with:',
          '    driver: docker',
          `- uses: addnab/docker-run-action@${SHA} # v3.0.0`,
          '  with:',
          '    image: ${{ inputs.image }}',
        ],
        ['    container: ${{ matrix.image }}'],
      ),
    );
    expect(found).toEqual([]);
  });
});
