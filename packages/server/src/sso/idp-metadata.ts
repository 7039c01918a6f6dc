import { X509Certificate } from 'node:crypto';
import type { SamlCertificateView } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { attribute, childNamed, childrenNamed, descendantsNamed, NS, parseXml } from './saml-xml';

/** What Conclave needs of a SAML identity provider. */
export interface IdpDescription {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

const invalid = (field: string, message: string) => new AppError(400, 'validation_failed', message, field);

/**
 * A signing certificate as PEM, from PEM or the bare base64 that metadata and most consoles show.
 * Anything that is not one X.509 certificate is refused here, not at the first sign-in.
 */
export function certificatePem(text: string, field = 'certificate'): string {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw invalid(field, 'This is not a PEM or base64 certificate');
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`;
  try {
    new X509Certificate(pem);
  } catch {
    throw invalid(field, 'This is not a valid X.509 certificate');
  }
  return pem;
}

export function describeCertificate(pem: string): SamlCertificateView {
  const cert = new X509Certificate(pem);
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: new Date(cert.validTo).toISOString(),
    sha256: cert.fingerprint256,
  };
}

/**
 * Reads an identity provider's SAML 2.0 metadata: its entity id, where it takes sign-ins over the
 * HTTP-Redirect binding, and its signing certificates (a KeyDescriptor for signing, or for any use).
 */
export function parseIdpMetadata(xml: string): IdpDescription {
  const field = 'metadataXml';
  const doc = parseXml(xml);
  if (!doc) throw invalid(field, 'The metadata is not well-formed XML');
  const root = doc.documentElement;
  const entities =
    root.namespaceURI === NS.metadata && root.localName === 'EntitiesDescriptor'
      ? childrenNamed(root, NS.metadata, 'EntityDescriptor')
      : [root];
  const entity = entities.find(
    (e) =>
      e.namespaceURI === NS.metadata &&
      e.localName === 'EntityDescriptor' &&
      childNamed(e, NS.metadata, 'IDPSSODescriptor') !== undefined,
  );
  const idp = entity && childNamed(entity, NS.metadata, 'IDPSSODescriptor');
  if (!entity || !idp) throw invalid(field, 'The metadata describes no SAML identity provider');
  const entityId = attribute(entity, 'entityID');
  if (!entityId || entityId.length > 500) throw invalid(field, 'The metadata has no usable entityID');
  const ssoUrl = childrenNamed(idp, NS.metadata, 'SingleSignOnService')
    .filter((s) => attribute(s, 'Binding') === REDIRECT_BINDING)
    .map((s) => attribute(s, 'Location'))[0];
  if (!ssoUrl) throw invalid(field, 'The identity provider takes no sign-ins over the HTTP-Redirect binding');
  const certificates = childrenNamed(idp, NS.metadata, 'KeyDescriptor')
    .filter((k) => (attribute(k, 'use') ?? 'signing') === 'signing')
    .flatMap((k) => descendantsNamed(k, NS.dsig, 'X509Certificate'))
    .map((c) => certificatePem(c.textContent ?? '', field));
  if (certificates.length === 0) throw invalid(field, 'The metadata has no signing certificate');
  return { entityId, ssoUrl, certificates: [...new Set(certificates)] };
}
