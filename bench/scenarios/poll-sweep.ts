// Scenario 5, the poll over many quiet mailboxes: every mailbox synced from its cursor with nothing
// new. Mailboxes are made in bulk (one simulator grant, tokens sealed per mailbox as connect does).
import { randomUUID } from 'node:crypto';
import { makeLocalKeyWrapper } from '../../src/vault/local-key-wrapper.ts';
import { makeVault } from '../../src/vault/vault.ts';
import { cpuSeconds, round } from '../measure.ts';
import { quiesce, type World } from '../world.ts';

/**
 * `count` more connected mailboxes with nothing new, named `${prefix}${i}@vendor.test`. They share
 * one real grant from the simulator's OAuth (made on first use), whose quota is lifted for the run.
 */
export async function addQuietMailboxes(
  world: World,
  count: number,
  prefix: string,
): Promise<void> {
  const owner = 'sweep-grant@vendor.test';
  const { rows: known } = await world.pool.query('select 1 from mailboxes where email = $1', [
    owner,
  ]);
  if (known.length === 0) {
    await world.connect('u-sweep-grant', 'org-sweep', owner);
    await quiesce(world.pool);
  }
  const { rows } = await world.pool.query('select history_id from mailboxes where email = $1', [
    owner,
  ]);
  const tokens = await grantTokens(world, owner);
  const vault = makeVault(
    makeLocalKeyWrapper({ current: Buffer.from(world.env.TOKEN_ENCRYPTION_KEY ?? '', 'base64') }),
  );
  for (let done = 0; done < count; done += 500) {
    const values: unknown[][] = [];
    for (let i = done; i < Math.min(count, done + 500); i++) {
      const id = randomUUID();
      const sealed = await vault.seal(id, tokens);
      values.push([
        id,
        `u-${prefix}${i}`,
        `${prefix}${i}@vendor.test`,
        sealed.ciphertext,
        sealed.wrappedKey,
        sealed.keyId,
      ]);
    }
    await world.pool.query(
      `insert into mailboxes (id, org_id, user_id, email, status, history_id, sealed_tokens, wrapped_key, key_id,
         watch_expires_at, watch_renewed_at, last_sync_at, scopes)
       select v.id::uuid, 'org-sweep', v.u, v.e, 'active', $1::bigint, v.s, v.w, v.k, now() + interval '6 days', now(), now(),
              '{https://www.googleapis.com/auth/gmail.readonly}'
         from jsonb_to_recordset($2::jsonb) as v(id text, u text, e text, s bytea, w bytea, k text)`,
      [
        rows[0]?.history_id,
        JSON.stringify(
          values.map(([id, u, e, s, w, k]) => ({
            id,
            u,
            e,
            s: `\\x${(s as Buffer).toString('hex')}`,
            w: `\\x${(w as Buffer).toString('hex')}`,
            k,
          })),
        ),
      ],
    );
  }
}

async function grantTokens(world: World, email: string) {
  const { gmailClient } = await import('./fixtures.ts');
  const { auth } = await gmailClient(world, email);
  const credentials = auth.credentials;
  return {
    accessToken: credentials.access_token ?? null,
    refreshToken: credentials.refresh_token ?? '',
    expiryDate: credentials.expiry_date ?? null,
    scope: 'https://www.googleapis.com/auth/gmail.readonly',
  };
}

export async function pollSweep(world: World, workerPid: number | undefined) {
  await world.setFaults({ quota_units_per_sec: 1_000_000 });
  const commits = async () =>
    Number(
      (
        await world.pool.query(
          `select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`,
        )
      ).rows[0].n,
    );
  const commitsBefore = await commits();
  const cpuBefore = await cpuSeconds(workerPid);
  const started = performance.now();
  await runPoll(world);
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: round(seconds),
    transactions: (await commits()) - commitsBefore,
    workerCpuSeconds: round((await cpuSeconds(workerPid)) - cpuBefore),
  };
}

/** One fallback-poll cycle, as an operator runs it (`gmail-sync poll`), waiting for its syncs. */
export async function runPoll(world: World): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli.ts', 'poll'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', ...world.env, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`poll exited ${code}`))));
  });
}
