import { describe, expect, it } from '@jest/globals';
import { htpasswdLine, requireTool } from '../../harness/registry.js';

describe('real-registry harness', () => {
  it('fails, naming .ci/run, when a system binary is missing', () => {
    expect(() => requireTool('/nonexistent/docker-registry', 'docker-registry')).toThrow(
      /^\/nonexistent\/docker-registry is not installed \(.*ENOENT.*\); the real-registry tests need it: \.ci\/run installs it with apt-get install -y docker-registry$/,
    );
  });

  it('writes bcrypt htpasswd lines', () => {
    expect(htpasswdLine('bot', 'secret')).toMatch(/^bot:\$2y\$05\$[./A-Za-z0-9]{53}$/);
  });
});
