import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import {
  confirmationSchema,
  registerPasskeyRequestSchema,
  renamePasskeyRequestSchema,
  type Confirmation,
  type PasskeyView,
  type RegisterPasskeyRequest,
  type RegisteredPasskeyView,
  type RenamePasskeyRequest,
} from '@conclave/protocol';
import type { AuditActor, AuditLog } from '../audit';
import type { UserRecord } from '../auth/store';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import type { Confirmations } from './confirmations';
import type { PasskeyChallenges } from './passkey-challenges';
import { passkeyView, type PasskeyStore } from './passkey-store';
import type { RelyingParty } from './relying-party';
import { auditTarget, type SecondFactors } from './service';

/** Enough for every device a person uses, and a bound on what one account keeps. */
const MAX_PASSKEYS = 20;

export interface PasskeysDeps {
  store: PasskeyStore;
  challenges: PasskeyChallenges;
  rp: RelyingParty;
  factors: SecondFactors;
  confirmations: Confirmations;
  audit: AuditLog;
  clock: Clock;
  ssoOnly: (organisationId: string) => Promise<boolean>;
}

/**
 * A person's own passkeys (IAM-LOCAL): registered from the account page (options for the current
 * password or another passkey, then the browser's answer to them), named, renamed, and removed with
 * the current password or a passkey (`Confirmations`).
 * The first factor brings recovery codes (`SecondFactors.added`). Each change is audited.
 */
export class Passkeys {
  constructor(private readonly deps: PasskeysDeps) {}

  /**
   * A passkey signs in alone, as a password does: making one needs the current password (or another
   * of the person's passkeys), so that a session someone took over cannot leave a way back in behind it.
   */
  async registrationOptions(
    actor: AuditActor,
    input: Confirmation,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const proof = confirmationSchema.parse(input);
    const user = await this.mayRegister(actor);
    await this.deps.confirmations.confirm(user, proof);
    const existing = await this.deps.store.list(user.id);
    if (existing.length >= MAX_PASSKEYS) {
      throw new AppError(409, 'conflict', `An account can have at most ${MAX_PASSKEYS} passkeys`);
    }
    const options = await this.deps.rp.registrationOptions(user, existing);
    await this.deps.challenges.keep(options.challenge, 'register', user.id);
    return options;
  }

  async register(actor: AuditActor, input: RegisterPasskeyRequest): Promise<RegisteredPasskeyView> {
    const { name, response } = registerPasskeyRequestSchema.parse(input);
    const user = await this.mayRegister(actor);
    const credential = await this.deps.rp.verifyRegistration(response, (challenge) =>
      this.deps.challenges.take(challenge, 'register', user.id),
    );
    if ((await this.deps.store.count(user.id)) >= MAX_PASSKEYS) {
      throw new AppError(409, 'conflict', `An account can have at most ${MAX_PASSKEYS} passkeys`);
    }
    const passkey = {
      ...credential,
      userId: user.id,
      name,
      createdAt: this.deps.clock.now().toISOString(),
      lastUsedAt: null,
    };
    if (!(await this.deps.store.add(passkey))) {
      throw new AppError(409, 'conflict', 'This passkey is registered already');
    }
    const recoveryCodes = await this.deps.factors.added(actor, user, { method: 'passkey', name });
    return { passkey: passkeyView(passkey), recoveryCodes };
  }

  async rename(actor: AuditActor, id: string, input: RenamePasskeyRequest): Promise<PasskeyView> {
    const { name } = renamePasskeyRequestSchema.parse(input);
    const user = await this.deps.factors.account(actor);
    const before = await this.own(user, id);
    if (!(await this.deps.store.rename(user.id, id, name))) throw passkeyNotFound();
    if (before.name !== name) {
      await this.deps.audit.record(actor, 'user.passkeyRenamed', auditTarget(user), {
        from: before.name,
        to: name,
      });
    }
    return passkeyView({ ...before, name });
  }

  /** Needs the current password or a passkey (this one too), as removing the authenticator app does. */
  async remove(actor: AuditActor, id: string, input: Confirmation): Promise<void> {
    const proof = confirmationSchema.parse(input);
    const user = await this.deps.factors.account(actor);
    const passkey = await this.own(user, id);
    await this.deps.confirmations.confirm(user, proof);
    if (!(await this.deps.store.remove(user.id, id))) throw passkeyNotFound();
    await this.deps.factors.removed(actor, user, { method: 'passkey', name: passkey.name });
  }

  /** Someone whose sign-in a passkey would serve: not where the identity provider decides (SPEC). */
  private async mayRegister(actor: AuditActor): Promise<UserRecord> {
    const user = await this.deps.factors.account(actor);
    if (user.role !== 'administrator' && (await this.deps.ssoOnly(user.organisationId))) {
      throw new AppError(403, 'sso_only', 'Your organisation signs in through its identity provider');
    }
    return user;
  }

  private async own(user: UserRecord, id: string) {
    const passkey = await this.deps.store.find(id);
    // Another person's passkey is as unknown as one that does not exist.
    if (!passkey || passkey.userId !== user.id) throw passkeyNotFound();
    return passkey;
  }
}

const passkeyNotFound = () => notFound('You have no such passkey');
