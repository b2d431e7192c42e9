// The events table (src/events/event-types.ts) is the one list of event types: the code names no
// type outside it, docs/api.md documents each and no other, the README names none it lacks, and
// the OpenAPI document carries each as a webhook with its payload's schema.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_EVENT_TYPES, EVENT, EVENT_TYPES } from '../../src/events/event-types.ts';
import { buildOpenApiDocument } from '../../src/http/openapi.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TABLE_FILES = ['src/events/event-types.ts', 'src/events/event-payloads.ts'];
/** The first words of event types (`activity.logged`, `mailbox.search_missed`…). */
const PREFIXES = [...new Set(ALL_EVENT_TYPES.map((t) => t.split('.')[0]))].join('|');
const TYPE_WORD = new RegExp(`^(${PREFIXES})\\.[a-z_]+$`);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The backquoted names that look like event types in a piece of Markdown. */
function documentedTypes(markdown: string): Set<string> {
  const words = [...markdown.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1] ?? '');
  return new Set(words.filter((w) => TYPE_WORD.test(w)));
}

describe('the table of event types', () => {
  it('when the source is read, then no event type is written as a free string outside the table', () => {
    const literal = new RegExp(`['"\`]((${PREFIXES})\\.[a-z_]+)['"\`]`, 'g');
    const free: string[] = [];
    for (const path of sourceFiles(join(ROOT, 'src'))) {
      const relative = path.slice(ROOT.length + 1);
      if (TABLE_FILES.includes(relative)) continue;
      // Comments may name an event (`mailbox.search_missed`); code may not spell one.
      const code = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
        .join('\n');
      for (const m of code.matchAll(literal)) {
        if (TYPE_WORD.test(m[1] ?? '') && !/\.(ts|js|md|json)$/.test(m[1] ?? '')) {
          free.push(`${relative}: ${m[1]}`);
        }
      }
    }
    expect(free).toEqual([]);
  });

  it('when EVENT is read, then each name spells one type of the table', () => {
    expect(Object.values(EVENT).sort()).toEqual([...ALL_EVENT_TYPES].sort());
    expect(EVENT.activityLogged).toBe('activity.logged');
    expect(EVENT.mailboxSearchMissed).toBe('mailbox.search_missed');
  });

  it("when docs/api.md's events section is read, then it documents every type of the table and no other", () => {
    const api = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const section = api.slice(api.indexOf('## Events for the CRM'));
    const end = section.indexOf('\n## ', 3);
    const documented = documentedTypes(end > 0 ? section.slice(0, end) : section);
    expect([...documented].sort()).toEqual([...ALL_EVENT_TYPES].sort());
  });

  it('when the README names events, then each is a type of the table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const type of documentedTypes(readme)) expect(ALL_EVENT_TYPES).toContain(type);
  });

  it('when the OpenAPI document is built, then each type is a webhook whose body carries its payload schema', () => {
    const doc = buildOpenApiDocument('http://localhost') as {
      webhooks?: Record<string, { post?: { requestBody?: unknown } }>;
      components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.webhooks ?? {}).sort()).toEqual([...ALL_EVENT_TYPES].sort());
    for (const type of ALL_EVENT_TYPES) {
      const schema = doc.components?.schemas?.[`Event_${type.replace(/\./g, '_')}`];
      expect(schema?.properties?.payload, type).toBeDefined();
      expect(JSON.stringify(doc.webhooks?.[type]?.post?.requestBody)).toContain(
        `Event_${type.replace(/\./g, '_')}`,
      );
    }
  });

  it('when a payload lacks a field its type requires, then its schema refuses it', () => {
    const logged = EVENT_TYPES['activity.logged'].payload;
    const good = {
      activity_id: 'a1',
      mailbox_id: 'm1',
      gmail_message_id: 'g1',
      thread_id: 't1',
      email_direction: 'received',
      entity_type: null,
      entity_id: null,
      links: [],
    };
    expect(logged.safeParse(good).success).toBe(true);
    const { gmail_message_id: _, ...without } = good;
    expect(logged.safeParse(without).success).toBe(false);
  });
});
