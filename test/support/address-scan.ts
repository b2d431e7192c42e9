// Where an address still appears in the database: every text, varchar, json, jsonb and array column
// of every table (information_schema), in every schema but PostgreSQL's own, matched as text,
// case-insensitively. The CRM's own tables can be left out: the CRM deletes its records itself.
import type { Pool } from 'pg';

export const CRM_TABLES = ['contacts', 'leads', 'deals', 'companies'];

export async function rowsNaming(
  pool: Pool,
  address: string,
  opts: { except?: string[] } = {},
): Promise<string[]> {
  const { rows: columns } = await pool.query<{ schema: string; table: string; column: string }>(`
    select c.table_schema as schema, c.table_name as table, c.column_name as column
      from information_schema.columns c
      join information_schema.tables t
        on t.table_schema = c.table_schema and t.table_name = c.table_name
     where t.table_type = 'BASE TABLE'
       and c.table_schema not in ('pg_catalog', 'information_schema')
       and c.table_schema not like 'pg_toast%'
       and (c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'character'))`);
  const hits: string[] = [];
  const pattern = `%${address.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  for (const { schema, table, column } of columns) {
    if (schema === 'public' && opts.except?.includes(table)) continue;
    const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from ${ident(schema)}.${ident(table)} where ${ident(column)}::text ilike $1`,
      [pattern],
    );
    if ((rows[0]?.n ?? 0) > 0) hits.push(`${schema}.${table}.${column} (${rows[0]?.n})`);
  }
  return hits;
}
