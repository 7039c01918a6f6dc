export { noMailer, SmtpMailer, type Mailer } from './mailer';
