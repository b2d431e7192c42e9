import { startWorld, quiesce } from './bench/world.ts';
import { addContacts, raw } from './bench/scenarios/fixtures.ts';
const world = await startWorld({ env: { GMAIL_QUOTA_PROFILE: '2025' } });
try {
  await addContacts(world, 'o');
  await world.connect('u1', 'o', 'lat@vendor.test');
  await quiesce(world.pool);
  await world.setFaults({ latency_ms: 20 });
  for (let i = 0; i < 12; i++) {
    const t0 = Date.now();
    const { id } = await world.deliver('lat@vendor.test', raw('contact0@customer.test', 'lat@vendor.test', `l${i}`));
    const t1 = Date.now();
    for (;;) { const { rows } = await world.pool.query('select 1 from activities where gmail_message_id = $1', [id]); if (rows.length) break; await new Promise(r => setTimeout(r, 2)); }
    const t2 = Date.now();
    const { rows } = await world.pool.query(`select extract(epoch from m.last_push_at)*1000 as push, (select extract(epoch from e.created_at)*1000 from events e where e.payload->>'gmail_message_id' = $1) as logged from mailboxes m where email = 'lat@vendor.test'`, [id]);
    console.log(`deliver ${t1 - t0} ms, push recorded +${Math.round(rows[0].push - t0)}, sync txn +${Math.round(rows[0].logged - t0)}, seen +${t2 - t0}`);
    await new Promise(r => setTimeout(r, 300));
  }
} finally { await world.close(); }
