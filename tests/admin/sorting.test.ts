import { describe, expect, it } from 'vitest';
import { createAdminJS } from '../../admin/index.js';
import { MODEL_POLICIES, type AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRuntime } from '../../src/runtime.js';
import { createServices } from '../../src/services.js';
import { TEST_SECRETS } from '../helpers/db.js';

describe('list sorting', () => {
  it('offers a sort link only on columns the server sorts by (none is silently ignored)', async () => {
    const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/unused' });
    const secret = 'sorting-test-placeholder-secret-0123456789abcdef';
    const runtime = createRuntime({
      config,
      secrets: {
        sessionSecret: secret,
        jwtSecret: secret,
        accountTokenKey: secret,
        auditCheckpointKey: secret,
        auditSigningKey: TEST_SECRETS.auditSigningKey,
      },
      logger: createLogger('silent'),
      appUrl: config.DATABASE_URL!,
      ownerUrl: config.DATABASE_URL!,
    });
    try {
      const admin = createAdminJS(runtime, createServices(runtime));
      const offered: string[] = [];
      for (const resource of admin.resources) {
        const decorated = resource.decorate();
        const model = decorated.id() as AdminModel;
        const sortable = new Set<string>(MODEL_POLICIES[model]?.sortable ?? []);
        for (const property of decorated.getProperties({ where: 'list' }))
          if (property.isSortable()) {
            offered.push(`${model}.${property.propertyPath}`);
            expect(sortable.has(property.propertyPath), `${model}.${property.propertyPath} is offered as sortable`).toBe(true);
          }
      }
      expect(offered).toContain('Transaction.occurredAt');
      expect(offered).not.toContain('Transaction.amountFormatted');
      expect(offered).not.toContain('Transaction.description');
    } finally {
      await runtime.close();
    }
  });
});
