import { AppError, RateLimitError } from '../common/errors';
import type { WindowLimiter } from '../common/rate-limit';

/** The organisation's setting (CHAT-TOGGLE), read at every write: turning chat off takes effect at once. */
export type ChatEnabled = (organisationId: string) => Promise<boolean>;

/**
 * Whether someone may write now, anywhere chat is (conversations, meetings): counted before anything
 * is looked up, so parallel attempts are bounded like sequential ones; then refused while the
 * organisation has chat off.
 */
export class ChatGate {
  constructor(
    private readonly limiter: WindowLimiter,
    readonly enabled: ChatEnabled,
  ) {}

  async pass(organisationId: string, writerKey: string, tooMany: string): Promise<void> {
    const counted = await this.limiter.consume(writerKey);
    if (!counted.allowed) throw new RateLimitError(tooMany, counted.retryAfterSeconds);
    if (!(await this.enabled(organisationId))) {
      throw new AppError(
        403,
        'chat_disabled',
        'Chat is turned off for your organisation: no new messages can be sent',
      );
    }
  }
}
