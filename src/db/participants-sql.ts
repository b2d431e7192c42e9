// The participants of a stored activity, for statements that select activities by who is on them
// (a blocklist looking back, an erasure). Rows `x(addr)`: each address of activity `a`'s From, To
// and Cc as stored ("Name <addr>" or "addr"), lower-cased.
import { sql } from './orm.ts';

export const ACTIVITY_PARTICIPANTS = sql.raw(`jsonb_array_elements_text(
         coalesce(jsonb_build_array(a.content -> 'from'), '[]') || coalesce(a.content -> 'to', '[]')
         || coalesce(a.content -> 'cc', '[]')) as p(value),
       lower(trim(coalesce(substring(p.value from '<([^<>[:space:]]+@[^<>[:space:]]+)>\\s*$'),
                           p.value))) as x(addr)`);
