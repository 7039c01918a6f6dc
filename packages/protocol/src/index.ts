export * from './errors';
export * from './api';
export * from './signaling';
export { parseClientMessage, describeIssue, type ParseResult } from './parse';
