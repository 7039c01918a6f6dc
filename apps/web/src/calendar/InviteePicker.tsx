import { MAX_MEETING_INVITEES, type MeetingInvitee, type MeetingRoomSystem } from '@conclave/protocol';
import { PeoplePicker } from '../people/PeoplePicker';
import { RoomSystemPicker } from './RoomSystemPicker';

/**
 * "Invite people" of the create and edit meeting forms (ADM-INVITE): people of the organisation found
 * in the directory, as a recording's sharing does, at most MAX_MEETING_INVITEES, never the owner; and
 * beside them the meeting rooms it is held in, their room systems (ADM-ROOMS).
 */
export function InviteePicker({
  owner,
  chosen,
  onChange,
  rooms,
  onRoomsChange,
  disabled = false,
}: {
  owner: string;
  chosen: MeetingInvitee[];
  onChange: (invitees: MeetingInvitee[]) => void;
  rooms: MeetingRoomSystem[];
  onRoomsChange: (rooms: MeetingRoomSystem[]) => void;
  disabled?: boolean;
}) {
  return (
    <>
      <PeoplePicker
        self={owner}
        chosen={chosen}
        onChange={onChange}
        max={MAX_MEETING_INVITEES}
        label="Invite people"
        hint="They see the meeting on their home page and in their calendar feed."
        chosenTitle="Invited"
        className="invitee-picker"
        disabled={disabled}
      />
      <RoomSystemPicker chosen={rooms} onChange={onRoomsChange} disabled={disabled} />
    </>
  );
}
