import {
  deviceIdentity,
  generateIdentityKeys,
  type DeviceIdentity,
  type IdentityKeyPair,
} from '@conclave/e2ee';

const DATABASE = 'conclave-e2ee';
const STORE = 'identity';
const KEY = 'device';

/**
 * This browser profile's long-term E2EE identity (E2EE-IDENTITY), kept in IndexedDB. IndexedDB
 * stores a CryptoKey by structured clone, private key included, without it ever becoming
 * extractable: script on the page can sign with it but never read it. Made on first use.
 */
export async function loadDeviceIdentity(): Promise<DeviceIdentity> {
  const db = await open();
  try {
    const stored = await request<IdentityKeyPair | undefined>(
      db.transaction(STORE).objectStore(STORE).get(KEY),
    );
    if (stored) return await deviceIdentity(stored);
    const keys = await generateIdentityKeys();
    // `add` rather than `put`: if another tab made one meanwhile, theirs stays and we read it back.
    try {
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).add(keys, KEY));
      return await deviceIdentity(keys);
    } catch {
      const theirs = await request<IdentityKeyPair | undefined>(
        db.transaction(STORE).objectStore(STORE).get(KEY),
      );
      if (!theirs) throw new Error('Could not store the device identity');
      return await deviceIdentity(theirs);
    }
  } finally {
    db.close();
  }
}

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

function request<T>(req: IDBRequest<T> | IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
