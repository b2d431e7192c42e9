import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { captureLogs } from './support/test-deps.ts';

describe('the logger', () => {
  it('when secrets are logged by field, inside errors or inside messages, then none reach the output', () => {
    const { stream, logs } = captureLogs();
    const log = createLogger({ level: 'debug' }, stream);
    const access = 'ya29.a0AfH6SMBx-secret_access';
    const refresh = '1//0gSecretRefreshToken-abc';
    log.info({ req: { headers: { authorization: `Bearer ${access}` } } }, 'request');
    log.info({ tokens: { access_token: access, refresh_token: refresh } }, 'stored');
    const err = Object.assign(new Error(`refresh failed for ${refresh}`), {
      config: { headers: { Authorization: `Bearer ${access}` }, data: `refresh_token=${refresh}` },
    });
    log.error({ err }, 'gmail call failed');
    log.warn(`token ${access} looked odd`);
    log.info({ jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl' }, 'crm token');

    const text = logs.text();
    expect(logs.lines).toHaveLength(5);
    expect(text).not.toContain('SecretRefreshToken');
    expect(text).not.toContain('secret_access');
    expect(text).not.toContain('eyJzdWIiOiJ1In0');
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('gmail call failed');
  });
});
