import type { FastifyPluginAsync } from 'fastify';
import { usageCsvQuerySchema, type UsageQuery, type UsageReport } from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { Authenticator } from '../auth';
import { usageCsv } from './csv';
import type { UsageReports } from './usage-report';

/** Under /api/reports, in the signed-in context: usage reports (ADM-USAGE). */
export function reportRoutes(reports: UsageReports, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/usage', async (request): Promise<UsageReport> =>
      reports.report(authenticator.principal(request), request.query as UsageQuery),
    );
    app.get('/usage.csv', async (request, reply) => {
      const caller = authenticator.principal(request);
      authorize(caller, 'reports.view', ORGANISATION);
      const { table, ...period } = usageCsvQuerySchema.parse(request.query);
      const report = await reports.report(caller, period);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="conclave-usage-${table}-${report.from}-to-${report.to}.csv"`,
        )
        .send(usageCsv(report, table));
    });
  };
}
