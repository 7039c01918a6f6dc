import type { SipPrompt } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingEntry, MeetingRecord } from '../domain';
import { silentLogger, type MediaLogger } from '../media/logger';
import type { SipCallOutcome } from '../metrics';
import { callerIdentity, type CallerIdentity } from './caller';
import { DtmfReader, type DtmfTimeouts } from './dtmf-reader';
import type { SipCall } from './gateway-line';

/** A call the gateway page answered: it plays prompts and, once allowed, enters the meeting. */
export interface AnsweredCall {
  prompt(prompt: SipPrompt): Promise<void>;
  /** Joins the meeting as the caller (through its lobby, like anyone); the passcode was checked. */
  enter(meeting: MeetingRecord, caller: CallerIdentity): Promise<void>;
}

/** Takes a ringing call's WebRTC side (the gateway page, one per call). */
export interface SipBridge {
  /** Answers the call (200 OK); rejects when it cannot (no browser, the call ended meanwhile). */
  answer(call: SipCall): Promise<AnsweredCall>;
}

/** The meetings callers reach by extension. */
export interface DialInMeetings {
  byExtension(extension: string): Promise<MeetingRecord | null>;
}

export interface DialInOptions extends DtmfTimeouts {
  /** Wrong meeting numbers, and wrong passcodes, before the gateway hangs up. */
  tries: number;
  /** A call still in the IVR after this long is hung up (no one ties up a line forever). */
  ivrMs: number;
}

const defaultDialInOptions: DialInOptions = {
  firstDigitMs: 15_000,
  interDigitMs: 5_000,
  tries: 3,
  ivrMs: 60_000,
};

/** E2EE-LIMITS: what a SIP endpoint dialling an end-to-end encrypted meeting is told. */
export const E2EE_REFUSAL = 'This meeting is end-to-end encrypted; phones and SIP devices cannot join';

/**
 * A user part names a meeting by its extension, optionally followed by `*` and its passcode (a
 * common room-system convention); anything else (empty, a trunk's own number, a name) reaches the IVR.
 */
export function dialledOf(userPart: string): { extension: string; passcode?: string } | null {
  const match = /^(\d{1,20})(?:\*(\d{1,32}))?$/.exec(userPart);
  if (!match) return null;
  return match[2] === undefined ? { extension: match[1]! } : { extension: match[1]!, passcode: match[2] };
}

/**
 * Where a ringing SIP call goes (INTEROP-SIP, INTEROP-PSTN, E2EE-LIMITS): the meeting its dialled
 * extension names, or the IVR (meeting number, then passcode, by DTMF) when it names none. An end-to-
 * end encrypted meeting refuses before answering (403 with a Reason); a passcode is checked by the
 * meeting's own gate, with its attempt limits; the lobby is the page's join like anyone's.
 */
export class DialIn {
  private readonly options: DialInOptions;
  private readonly logger: MediaLogger;

  constructor(
    private readonly meetings: DialInMeetings,
    private readonly entry: MeetingEntry,
    private readonly bridge: SipBridge,
    options: Partial<DialInOptions> = {},
    logger?: MediaLogger,
  ) {
    this.options = { ...defaultDialInOptions, ...options };
    this.logger = logger ?? silentLogger;
  }

  /** Takes a ringing call to its end: refused, or answered and in a meeting, or hung up. */
  async take(call: SipCall): Promise<SipCallOutcome> {
    try {
      return await this.route(call);
    } catch (err) {
      this.logger.warn({ callId: call.info.callId, err: (err as Error).message }, 'SIP call failed');
      await call.hangup().catch(() => undefined);
      return 'failed';
    }
  }

  private async route(call: SipCall): Promise<SipCallOutcome> {
    const caller = callerIdentity(call.info);
    // Listening before the answer: a caller typing as soon as it hears it loses nothing.
    const digits = new DtmfReader(call, this.options);
    const dialled = dialledOf(call.info.extension);
    const meeting = dialled ? await this.meetings.byExtension(dialled.extension) : null;
    if (meeting?.e2ee) {
      this.logger.info({ callId: call.info.callId }, 'SIP call refused: end-to-end encrypted meeting');
      await call.decline(403, E2EE_REFUSAL);
      return 'refused_e2ee';
    }
    let answered: AnsweredCall;
    try {
      answered = await this.bridge.answer(call);
    } catch (err) {
      this.logger.warn({ callId: call.info.callId, err: (err as Error).message }, 'SIP call not answered');
      if (!call.isOver) await call.decline(503).catch(() => undefined);
      return 'unanswered';
    }
    const ivr = setTimeout(() => {
      this.logger.info({ callId: call.info.callId }, 'SIP call hung up: too long in the IVR');
      void call.hangup().catch(() => undefined);
    }, this.options.ivrMs);
    try {
      const target = meeting ?? (await this.askMeeting(call, answered, digits));
      if (!target) return await this.goodbye(call, answered, 'no_meeting');
      if (target.e2ee) {
        await answered.prompt('e2ee');
        return await this.goodbye(call, answered, 'refused_e2ee');
      }
      const passcodeOk =
        target.passcodeHash === null ||
        (await this.checkPasscode(target, dialled?.passcode, call)) ||
        (await this.askPasscode(call, answered, digits, target));
      if (!passcodeOk) return await this.goodbye(call, answered, 'wrong_passcode');
      clearTimeout(ivr);
      if (call.isOver) return 'hung_up';
      this.logger.info(
        { callId: call.info.callId, meetingId: target.id, kind: caller.kind },
        'SIP call enters',
      );
      await answered.enter(target, caller);
      return 'entered';
    } finally {
      clearTimeout(ivr);
    }
  }

  /** The IVR's first question; null after `tries` unknown numbers or silence. */
  private async askMeeting(
    call: SipCall,
    answered: AnsweredCall,
    digits: DtmfReader,
  ): Promise<MeetingRecord | null> {
    for (let attempt = 0; attempt < this.options.tries && !call.isOver; attempt++) {
      await answered.prompt('extension');
      const extension = await digits.entry();
      if (extension === null) return null;
      const meeting = extension ? await this.meetings.byExtension(extension) : null;
      if (meeting) return meeting;
      await answered.prompt('unknown');
    }
    return null;
  }

  private async askPasscode(
    call: SipCall,
    answered: AnsweredCall,
    digits: DtmfReader,
    meeting: MeetingRecord,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < this.options.tries && !call.isOver; attempt++) {
      await answered.prompt('passcode');
      const passcode = await digits.entry();
      if (passcode === null) return false;
      if (await this.checkPasscode(meeting, passcode, call)) return true;
      await answered.prompt('wrong');
    }
    return false;
  }

  /**
   * The meeting's own passcode gate, as for anyone: attempts counted per meeting and per caller. The
   * caller's address is its SIP URI, which it chooses; the per-meeting count bounds guessing anyway.
   */
  private async checkPasscode(meeting: MeetingRecord, passcode: string | undefined, call: SipCall) {
    if (passcode === undefined) return false;
    try {
      await this.entry.admit(meeting, null, passcode, `sip:${call.info.caller}`);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'passcode_wrong') return false;
      if (err instanceof AppError && err.code === 'rate_limited') {
        // Too many wrong passcodes: nothing more to try on this call.
        await call.hangup();
        return false;
      }
      throw err;
    }
  }

  /** Ends a call that enters no meeting, for `outcome` (also when the caller hung up while asked). */
  private async goodbye(
    call: SipCall,
    answered: AnsweredCall,
    outcome: SipCallOutcome,
  ): Promise<SipCallOutcome> {
    if (call.isOver) return outcome;
    await answered.prompt('goodbye').catch(() => undefined);
    await call.hangup();
    return outcome;
  }
}
