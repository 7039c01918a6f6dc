import {
  DEFAULT_SETTINGS,
  settingsSectionsSchema,
  updateSettingsRequestSchema,
  type Settings,
  type SettingsSection,
  type UpdateSettingsRequest,
  type Role,
} from '@conclave/protocol';
import { authorize, ORGANISATION, type Action } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import type { UserPrincipal } from '../domain';
import type { SettingsStore } from './store';

/** The permission each section needs (SPEC.md section 4: "enable or disable chat", …). */
const PERMISSION: Record<SettingsSection, Action> = {
  chat: 'settings.chat',
  recording: 'settings.recording',
  streaming: 'settings.streaming',
  roomAlerts: 'settings.roomAlerts',
  calendar: 'settings.calendar',
  invites: 'settings.invites',
  branding: 'settings.branding',
  layouts: 'settings.layouts',
  domains: 'settings.domains',
  security: 'settings.security',
};

/**
 * The organisation's settings (ADM-SETTINGS): read by Superusers and Administrators, changed a section
 * at a time, each change authorised by its own permission and written to the audit log. Features read
 * them through `of`, which needs no caller.
 */
export class OrganisationSettings {
  constructor(
    private readonly store: SettingsStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async get(caller: UserPrincipal): Promise<Settings> {
    authorize(
      caller,
      'settings.view',
      ORGANISATION,
      'Only Superusers and Administrators can see the settings',
    );
    return this.of(caller.organisationId);
  }

  /** What the organisation has set, each section at its default until changed. */
  async of(organisationId: string): Promise<Settings> {
    const stored = await this.store.read(organisationId);
    const settings = { ...DEFAULT_SETTINGS };
    for (const section of Object.keys(DEFAULT_SETTINGS) as SettingsSection[]) {
      // A section stored by an older version that no longer validates falls back to its default.
      const parsed = settingsSectionsSchema.shape[section].safeParse(stored.get(section));
      if (parsed.success) (settings as Record<string, unknown>)[section] = parsed.data;
    }
    return settings;
  }

  /** Whether someone of this role must confirm a password sign-in with a second factor (IAM-LOCAL). */
  async requiresSecondFactor(organisationId: string, role: Role): Promise<boolean> {
    const { requireSecondFactor } = (await this.of(organisationId)).security;
    return requireSecondFactor === 'everyone' || (requireSecondFactor === 'managers' && role !== 'user');
  }

  /**
   * Refuses a new account for `email` unless its domain is one the organisation allows (IAM-DOMAINS);
   * without a list, any domain is allowed.
   */
  async assertNewAccountAllowed(organisationId: string, email: string): Promise<void> {
    const { allowed } = (await this.of(organisationId)).domains;
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (allowed.length > 0 && !allowed.includes(domain)) {
      throw new AppError(
        403,
        'domain_not_allowed',
        `New accounts are limited to addresses at ${allowed.join(', ')}`,
        'email',
      );
    }
  }

  async update(actor: AuditActor, input: UpdateSettingsRequest): Promise<Settings> {
    const caller = actor.principal;
    const changes = updateSettingsRequestSchema.parse(input);
    const sections = Object.keys(changes) as SettingsSection[];
    // Every section is allowed before any is written: a refusal changes nothing.
    for (const section of sections) {
      authorize(
        caller,
        PERMISSION[section],
        ORGANISATION,
        'Only Superusers and Administrators can change settings',
      );
    }
    const before = await this.of(caller.organisationId);
    const changed = sections.filter((s) => JSON.stringify(before[s]) !== JSON.stringify(changes[s]));
    if (changed.length > 0) {
      await this.store.write(
        caller.organisationId,
        Object.fromEntries(changed.map((s) => [s, changes[s]])),
        this.clock.now().toISOString(),
      );
      for (const section of changed) {
        await this.audit.record(
          actor,
          'settings.changed',
          { kind: 'settings', id: section, name: section },
          {
            section,
            from: JSON.stringify(before[section]),
            to: JSON.stringify(changes[section]),
          },
        );
      }
    }
    return this.of(caller.organisationId);
  }
}
