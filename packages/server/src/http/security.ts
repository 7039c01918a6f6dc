import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers for a React SPA that does WebRTC: scripts only from this origin (and WebAssembly), signaling over
 * ws(s) to this host, media elements fed from blob: streams. HTTPS-only headers only when served over HTTPS,
 * since on plain http they would break the site (upgrade-insecure-requests) or do nothing (HSTS).
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  publicUrl: string,
  /** Other origins the page may fetch from: the regions' probes (NET-REGIONS). */
  connectOrigins: readonly string[] = [],
): Promise<void> {
  const url = new URL(publicUrl);
  const https = url.protocol === 'https:';
  const wsOrigin = `${https ? 'wss' : 'ws'}://${url.host}`;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // WebAssembly may be compiled (the Codeword's Argon2id runs in it), but no eval() of strings.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        connectSrc: ["'self'", wsOrigin, ...connectOrigins],
        mediaSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https && { upgradeInsecureRequests: [] }),
      },
    },
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    // Cross-origin isolation would block nothing we load today but could break future embeds; not needed.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
