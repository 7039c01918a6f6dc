import type { ClientMessage, E2eeServerMessage } from '@conclave/protocol';
import type { E2eeMember, MemberTransport } from './member';

const b64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const unb64 = (text: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

/** A member's messages to the delivery service, as signaling frames. */
export function signalingTransport(send: (message: ClientMessage) => void): MemberTransport {
  return {
    groupCreated: (groupId) => send({ type: 'e2eeGroupCreated', groupId: b64(groupId) }),
    admit: (participantId, admission) =>
      send({ type: 'e2eeAdmit', participantId, admission: b64(admission) }),
    keyPackage: (keyPackage) => send({ type: 'e2eeKeyPackage', keyPackage: b64(keyPackage) }),
    commit: (epoch, commit, welcome) =>
      send({
        type: 'e2eeCommit',
        epoch: Number(epoch),
        commit: b64(commit),
        ...(welcome && { welcome: b64(welcome) }),
      }),
    ready: (epoch) => send({ type: 'e2eeReady', epoch: Number(epoch) }),
  };
}

/** Hands one delivery-service frame to the member. */
export function deliver(member: E2eeMember, message: E2eeServerMessage): Promise<void> {
  switch (message.type) {
    case 'e2eeCreateGroup':
      return member.createGroup(unb64(message.groupId));
    case 'e2eeAdmissionRequest':
      return member.admissionRequested(message.participantId, unb64(message.identityKey));
    case 'e2eeAdmitted':
      return member.admitted(unb64(message.admission), unb64(message.groupId), unb64(message.anchorKey));
    case 'e2eeProposal':
      return member.proposal(BigInt(message.epoch), unb64(message.message));
    case 'e2eeCommitRequest':
      return member.commitRequested(BigInt(message.epoch));
    case 'e2eeCommit':
      return member.commit(BigInt(message.epoch), unb64(message.message));
    case 'e2eeWelcome':
      return member.welcome(BigInt(message.epoch), unb64(message.welcome));
    case 'e2eeExecute':
      return member.execute(BigInt(message.epoch));
  }
}

export { b64 as toBase64Url, unb64 as fromBase64Url };
