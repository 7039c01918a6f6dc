import { attribute, childNamed, childrenNamed, NS, parseXml } from './saml-xml';

/** What node-saml leaves to the service provider, checked on the assertion whose signature it verified. */
export interface AssertionFacts {
  id: string;
  /** The request this answers (signed, in the bearer confirmation); null when the provider started it. */
  inResponseTo: string | null;
  /** Until when the assertion would be accepted: its id must be remembered that long. */
  acceptableUntil: Date;
}

export interface AssertionRules {
  acsUrl: string;
  now: Date;
  clockSkewMs: number;
  /** An assertion older than this (from its IssueInstant) is refused whatever its NotOnOrAfter says. */
  maxAgeMs: number;
}

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export class AssertionRefused extends Error {}

const time = (value: string | null): number | null => {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
};

/**
 * SAML 2.0 profiles §4.1.4.2-3 for the Web Browser SSO profile: a bearer SubjectConfirmation whose
 * data names this site's assertion consumer service as Recipient and is still in its time window;
 * its InResponseTo names the request answered. node-saml checks signature, audience and Conditions,
 * but not these (and not the bearer window at all when there is no InResponseTo).
 */
export function checkAssertion(assertionXml: string, rules: AssertionRules): AssertionFacts {
  const assertion = parseXml(assertionXml)?.documentElement;
  if (!assertion || assertion.namespaceURI !== NS.assertion || assertion.localName !== 'Assertion')
    throw new AssertionRefused('Not a SAML assertion');
  const id = attribute(assertion, 'ID');
  if (!id || id.length > 256) throw new AssertionRefused('The assertion has no ID');
  const now = rules.now.getTime();
  const issued = time(attribute(assertion, 'IssueInstant'));
  if (issued === null) throw new AssertionRefused('The assertion has no IssueInstant');
  if (issued > now + rules.clockSkewMs) throw new AssertionRefused('The assertion was issued in the future');
  const maxAgeEnd = issued + rules.maxAgeMs + rules.clockSkewMs;
  if (now >= maxAgeEnd) throw new AssertionRefused('The assertion is too old');

  const subject = childNamed(assertion, NS.assertion, 'Subject');
  const confirmations = subject
    ? childrenNamed(subject, NS.assertion, 'SubjectConfirmation')
        .filter((c) => attribute(c, 'Method') === BEARER)
        .flatMap((c) => childrenNamed(c, NS.assertion, 'SubjectConfirmationData'))
    : [];
  if (confirmations.length === 0) throw new AssertionRefused('The assertion has no bearer confirmation');
  const forUs = confirmations.filter((d) => attribute(d, 'Recipient') === rules.acsUrl);
  if (forUs.length === 0) throw new AssertionRefused('The assertion is meant for another recipient');
  const current = forUs.find((d) => {
    const notBefore = time(attribute(d, 'NotBefore'));
    const notOnOrAfter = time(attribute(d, 'NotOnOrAfter'));
    return (
      notOnOrAfter !== null &&
      now < notOnOrAfter + rules.clockSkewMs &&
      (notBefore === null || now >= notBefore - rules.clockSkewMs)
    );
  });
  if (!current) throw new AssertionRefused('The assertion has expired');
  return {
    id,
    inResponseTo: attribute(current, 'InResponseTo'),
    acceptableUntil: new Date(
      Math.min(time(attribute(current, 'NotOnOrAfter'))! + rules.clockSkewMs, maxAgeEnd),
    ),
  };
}

/**
 * The Response around the assertion is often unsigned, so it can only narrow things: a Destination
 * other than ours, or an InResponseTo that differs from the signed one, means it was not meant for
 * this sign-in.
 */
export function checkResponse(responseXml: string, acsUrl: string, signedInResponseTo: string | null): void {
  const response = parseXml(responseXml)?.documentElement;
  if (!response || response.namespaceURI !== NS.protocol || response.localName !== 'Response')
    throw new AssertionRefused('Not a SAML response');
  const destination = attribute(response, 'Destination');
  if (destination !== null && destination !== acsUrl)
    throw new AssertionRefused('The response is meant for another destination');
  const inResponseTo = attribute(response, 'InResponseTo');
  if (inResponseTo !== signedInResponseTo)
    throw new AssertionRefused('The response and its assertion answer different requests');
}
