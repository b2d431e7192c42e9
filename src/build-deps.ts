// The composition root below main.ts: builds the vault, the Google clients and token life from
// config, so main.ts, the CLI and tests assemble the service the same way.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCalendarPacers } from './calendar/calendar-pacer.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Deps } from './deps.ts';
import { makeOAuthClient } from './google/clients.ts';
import { makeDelegation } from './google/delegated-tokens.ts';
import { makePacerRegistry } from './google/mailbox-pacer.ts';
import type { Logger } from './logger.ts';
import { makeMailboxAuth } from './mailbox/mailbox-auth.ts';
import { makeMetrics } from './metrics.ts';
import { makeErasureHashing } from './org/erasure-keys.ts';
import { makeOrgRulesSource } from './org/org-rules.ts';
import { makeOutboundHttp } from './outbound/outbound-http.ts';
import { cachedUnsubscribeKeys } from './suppressions/unsubscribe-key.ts';
import type { KeyWrapper } from './vault/key-wrapper.ts';
import { makeKmsKeyWrapper } from './vault/kms-key-wrapper.ts';
import { makeLocalKeyWrapper } from './vault/local-key-wrapper.ts';
import { makeVault } from './vault/vault.ts';

export function buildDeps(config: Config, database: Database, log: Logger): Deps {
  const vault = makeVault(makeKeyWrapper(config, log));
  const delegation = makeDelegation(config.google);
  const mailboxAuth = makeMailboxAuth({
    db: database.db,
    vault,
    google: config.google,
    log,
    delegation,
  });
  const metrics = makeMetrics(database.pool);
  const erasureHashing = makeErasureHashing({ db: database.db, vault });
  const pacers = makePacerRegistry({
    profile: config.google.quotaProfile,
    onCall: metrics.gmailCall,
    retryMs: config.timings.gmailRetryMs,
  });
  return {
    config,
    log,
    database,
    vault,
    oauth: makeOAuthClient(config.google),
    mailboxAuth,
    delegation,
    pacers,
    calendarPacers: makeCalendarPacers(),
    metrics,
    erasureHashing,
    orgRules: makeOrgRulesSource({ db: database.db, hashing: erasureHashing }),
    // Development (the simulator) may call local servers; real credentials or production may not.
    outbound: makeOutboundHttp({ allowPrivate: !config.production && config.google.useSimulator }),
    unsubscribeKeys: cachedUnsubscribeKeys(database.db, vault),
  };
}

function makeKeyWrapper(config: Config, log: Logger): KeyWrapper {
  if (config.vault.kmsKeyName)
    return lazyKmsWrapper(config.google.emulatorHost, config.vault.kmsKeyName);
  const current = config.vault.localKey ?? devKey(log, config.google.useSimulator);
  return makeLocalKeyWrapper({ current, previous: config.vault.previousLocalKeys });
}

/** The KMS client library is large: it is loaded on first use, only where KMS is configured. */
function lazyKmsWrapper(emulatorHost: string | undefined, keyName: string): KeyWrapper {
  let wrapper: Promise<KeyWrapper> | undefined;
  const load = () => {
    wrapper ??= import('./google/kms-client.ts').then((m) =>
      makeKmsKeyWrapper(m.makeKmsClient(emulatorHost), keyName),
    );
    return wrapper;
  };
  return {
    currentKeyId: async () => (await load()).currentKeyId(),
    wrap: async (dataKey) => (await load()).wrap(dataKey),
    unwrap: async (wrappedKey, keyId) => (await load()).unwrap(wrappedKey, keyId),
  };
}

/** Development only (production refuses it in config): a local key generated once into ./.data. */
function devKey(log: Logger, simulator: boolean): Buffer {
  const file = path.resolve('.data/token-encryption-key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    // Expected with the simulator (development); anywhere else someone forgot to set it.
    log[simulator ? 'info' : 'warn'](
      { file },
      'TOKEN_ENCRYPTION_KEY unset: generated a development key',
    );
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
