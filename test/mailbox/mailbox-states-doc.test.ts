// The diagram in docs/mailbox-states.md and the table in src/mailbox/mailbox-states.ts say the same:
// every edge drawn is a move the table allows, and every move allowed is drawn.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAILBOX_TRANSITIONS, transitionEdges } from '../../src/mailbox/mailbox-states.ts';

const DOC = new URL('../../docs/mailbox-states.md', import.meta.url);

/** The edges of the doc's one `stateDiagram-v2` block, as `from --> to : event` strings. */
function diagramEdges(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```mermaid\n(stateDiagram-v2\n[\s\S]*?)```/g)];
  if (blocks.length !== 1)
    throw new Error(`expected one stateDiagram-v2 block, found ${blocks.length}`);
  return (blocks[0]?.[1] ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('%%'))
    .map((line) => {
      const edge = /^(\[\*\]|\w+)\s*-->\s*(\w+)\s*:\s*(\w+)$/.exec(line);
      if (!edge) throw new Error(`not an edge the test reads: ${line}`);
      const from = edge[1] === '[*]' ? 'new' : edge[1];
      return `${from} --> ${edge[2]} : ${edge[3]}`;
    });
}

const tableEdges = () => transitionEdges().map((e) => `${e.from} --> ${e.to} : ${e.event}`);

describe('the mailbox states diagram', () => {
  it('when the doc is read, then its diagram draws exactly the transitions the module allows', () => {
    const drawn = diagramEdges(readFileSync(DOC, 'utf8'));
    expect(new Set(drawn).size).toBe(drawn.length);
    expect([...drawn].sort()).toEqual(tableEdges().sort());
  });

  it('when the doc is read, then its table of events names each event of the module once', () => {
    const doc = readFileSync(DOC, 'utf8');
    const table = doc.slice(doc.indexOf('| event |')).split('\n\n')[0] ?? '';
    const rows = table
      .split('\n')
      .slice(2)
      .map((line) => /^\| `(\w+)` \|/.exec(line)?.[1]);
    expect(rows.sort()).toEqual(Object.keys(MAILBOX_TRANSITIONS).sort());
  });

  it('when an edge is missing from a diagram or one is added, then the comparison sees it', () => {
    const doc = readFileSync(DOC, 'utf8');
    const missing = diagramEdges(doc.replace('  revoked --> disconnected : disconnected\n', ''));
    expect(missing.sort()).not.toEqual(tableEdges().sort());
    const added = diagramEdges(
      doc.replace('stateDiagram-v2\n', 'stateDiagram-v2\n  revoked --> active : synced\n'),
    );
    expect(added.sort()).not.toEqual(tableEdges().sort());
    expect(() =>
      diagramEdges(doc.replace('revoked --> disconnected', 'revoked -> disconnected')),
    ).toThrow('not an edge');
  });
});
