// Call records and usage reports (PRIV-CDR, ADM-USAGE).
export { CallRecordStore } from './store';
export { CallRecordLedger } from './ledger';
export { UsageReports } from './usage-report';
export { reportRoutes } from './routes';
