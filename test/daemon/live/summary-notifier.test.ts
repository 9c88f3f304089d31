import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentSummary } from '../../../daemon/service/experiment-service';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { TrialRecord } from '../../../daemon/store/types';
import { SummaryNotifier } from '../../../daemon/live/summary-notifier';

const summary = (id: string, running: number): ExperimentSummary => ({ id, trialCounts: { RUNNING: running } } as unknown as ExperimentSummary);
const trialDelta = (experimentId: string, seq: number): LiveDelta => ({ seq, experimentId, type: 'trial', trial: { id: `t${seq}` } as TrialRecord });

describe('SummaryNotifier', () => {
  it('sends the summaries of the experiments whose trials changed, once per interval', async () => {
    let running = 1;
    let reads = 0;
    const service = { listExperiments: () => { reads++; return [summary('a', running), summary('b', 0), summary('c', 0)]; } };
    const sent: ExperimentSummary[][] = [];
    let done!: () => void;
    const first = new Promise<void>((r) => { done = r; });
    const n = new SummaryNotifier(service, (l) => { sent.push(l); done(); }, (e) => assert.fail(String(e)), 20);
    n.push(trialDelta('a', 1));
    running = 2;
    n.push(trialDelta('a', 2));
    n.push(trialDelta('b', 1));
    n.push({ seq: 3, experimentId: 'c', type: 'metric', metric: { trialId: 't', seq: 0, kind: 'final', value: 1, at: 1 } });
    await Promise.race([first, new Promise((_, rej) => setTimeout(() => rej(new Error('no summaries within 2 s')), 2000))]);
    assert.equal(reads, 1, 'one read of the summaries for three deltas');
    assert.deepEqual(sent, [[summary('a', 2), summary('b', 0)]], 'metric deltas change no summary');
    n.close();
  });

  it('reports a failing read to onError and keeps going', () => {
    const errors: unknown[] = [];
    const n = new SummaryNotifier({ listExperiments: () => { throw new Error('disk gone'); } }, () => assert.fail('nothing to send'), (e) => errors.push(e), 10_000);
    n.push(trialDelta('a', 1));
    n.flush();
    n.flush();
    assert.equal(errors.length, 1);
    n.close();
  });
});
