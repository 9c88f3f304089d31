import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletedTrialsFeed } from '../../tuners/completed-trials-feed';
import type { TrialView } from '../../tuners/tuner';

function view(id: string, status: TrialView['status']): TrialView {
  return { id, status } as TrialView;
}

test('CompletedTrialsFeed visits each completed trial once, including ones that complete late, and starts over on a new history', () => {
  const feed = new CompletedTrialsFeed();
  const visited: string[] = [];
  let resets = 0;
  const sync = (h: TrialView[]): void => feed.sync(h, (t) => visited.push(t.id), () => void resets++);
  const history = [view('a', 'RUNNING'), view('b', 'SUCCEEDED'), view('c', 'WAITING')];
  sync(history);
  assert.deepEqual(visited, ['b']);
  history.push(view('d', 'FAILED'));
  sync(history);
  assert.deepEqual(visited, ['b', 'd']);
  (history[2] as { status: string }).status = 'SUCCEEDED';
  sync(history);
  assert.deepEqual(visited, ['b', 'd', 'c'], 'c completed while a still runs');
  sync(history);
  assert.deepEqual(visited, ['b', 'd', 'c'], 'nothing twice');
  (history[0] as { status: string }).status = 'EARLY_STOPPED';
  sync(history);
  assert.deepEqual(visited, ['b', 'd', 'c', 'a']);
  assert.equal(resets, 1, 'one reset: the first history');
  sync([view('x', 'SUCCEEDED')]);
  assert.equal(resets, 2);
  assert.deepEqual(visited.slice(4), ['x']);
});
