import type { Settings } from '@conclave/protocol';
import { useState } from 'react';
import { TextArea } from '../../ui/components';
import { changedSections, SettingsCard, type SaveSettings } from './SettingsCard';

const toText = (domains: string[]) => domains.join('\n');
const toList = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean);

/** IAM-DOMAINS: the email domains new accounts are limited to, one per line; none: any domain. */
export function DomainsSettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  const [text, setText] = useState(() => toText(settings.domains.allowed));
  const draft = { domains: { allowed: toList(text) } };
  return (
    <SettingsCard
      title="Allowed email domains"
      note="New accounts can only be made for addresses at these domains. Existing accounts are not affected."
      changes={changedSections(settings, draft)}
      save={save}
      onSaved={(s) => setText(toText(s.domains.allowed))}
      showsField={(field) => field.startsWith('domains')}
    >
      {(error) => (
        <TextArea
          label="Allowed domains"
          name="domains"
          rows={4}
          spellCheck={false}
          placeholder="example.com"
          value={text}
          onChange={(e) => setText(e.target.value)}
          hint="One domain per line, such as example.com. Leave empty to allow any domain."
          error={
            error?.field?.startsWith('domains')
              ? lineOf(error.field, draft.domains.allowed) + error.message
              : undefined
          }
        />
      )}
    </SettingsCard>
  );
}

/** "example..com: " for `domains.allowed.2`, so the person sees which line is wrong. */
function lineOf(field: string, domains: string[]): string {
  const index = Number(field.split('.')[2]);
  const domain = Number.isInteger(index) ? domains[index] : undefined;
  return domain ? `${domain}: ` : '';
}
