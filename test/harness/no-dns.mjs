import dns from 'node:dns';

/**
 * Names under .invalid (RFC 2606) fail to resolve the way getaddrinfo fails them (ENOTFOUND),
 * without asking a resolver: a real lookup would reach the machine's DNS server, which a test must
 * not need (and an unreachable one answers EAI_AGAIN only after its timeout). fetch and net look
 * dns.lookup up when they connect, so this reaches them. Returns the way to put it back.
 */
export function blockInvalidDns() {
  const real = dns.lookup;
  dns.lookup = function lookup(hostname, options, callback) {
    const done = typeof options === 'function' ? options : callback;
    if (typeof hostname === 'string' && (hostname === 'invalid' || hostname.endsWith('.invalid'))) {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      });
      process.nextTick(done, error);
      return {};
    }
    return Reflect.apply(real, this, arguments);
  };
  return () => {
    dns.lookup = real;
  };
}
