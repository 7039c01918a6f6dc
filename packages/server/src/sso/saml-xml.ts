import { DOMParser } from '@xmldom/xmldom';

export const NS = {
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/**
 * Parses XML from outside, or returns null. A document type declaration is refused outright: SAML
 * and its metadata never need one, and it is where entity expansion attacks live.
 */
export function parseXml(text: string): Document | null {
  if (/<!DOCTYPE/i.test(text)) return null;
  let broken = false;
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: () => (broken = true),
      fatalError: () => (broken = true),
    },
  }).parseFromString(text, 'text/xml');
  // Typed as always there, but empty input leaves none.
  const root: Element | null = doc.documentElement;
  return broken || root === null ? null : doc;
}

/** Element children of `parent` with this namespace and local name, in document order. */
export function childrenNamed(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName)
      found.push(n as Element);
  }
  return found;
}

/** Element descendants of `root` with this namespace and local name, in document order. */
export function descendantsNamed(root: Element, ns: string, localName: string): Element[] {
  const list = root.getElementsByTagNameNS(ns, localName);
  const found: Element[] = [];
  for (let i = 0; i < list.length; i++) found.push(list.item(i)!);
  return found;
}

export const childNamed = (parent: Element, ns: string, localName: string): Element | undefined =>
  childrenNamed(parent, ns, localName)[0];

/** An attribute's value, or null when it is absent or empty. */
export function attribute(element: Element, name: string): string | null {
  const value = element.getAttribute(name);
  return value ? value : null;
}
