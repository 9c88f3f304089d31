import { useEffect, useRef, useState } from 'react';
import type { TrialLogName } from '../api/types';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';

const MAX_CHARS = 400_000;

/**
 * Live tail of one trial log through the offset endpoint: reads new bytes when the trial's deltas
 * arrive and, while the trial runs, re-reads with a backoff (1 s doubling to 8 s, back to 1 s
 * when bytes arrive), since plain stdout writes produce no event. Stops once the trial has ended
 * and the file is read to its end. Keeps the last 400k characters.
 */
export function LogTail({ experimentId, trialId, name, running }: { experimentId: string; trialId: string; name: TrialLogName; running: boolean }) {
  const { api } = useServices();
  const { onDeltas } = useExperiment();
  const [text, setText] = useState('');
  const [follow, setFollow] = useState(true);
  const offset = useRef(0);
  const box = useRef<HTMLPreElement>(null);
  const runningRef = useRef(running);
  runningRef.current = running;

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    let delay = 1000;
    let reading = false;
    let again = false;
    offset.current = 0;
    setText('');
    const read = () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      if (timer !== undefined) window.clearTimeout(timer);
      timer = undefined;
      api.trialLog(experimentId, trialId, name, offset.current).then((c) => {
        if (stopped) return;
        if (c.nextOffset < offset.current) setText(''); // truncated
        offset.current = c.nextOffset;
        if (c.text.length > 0) {
          delay = 1000;
          setText((old) => (old + c.text).slice(-MAX_CHARS));
        } else {
          delay = Math.min(8000, delay * 2);
        }
      }, () => { delay = 8000; }).finally(() => {
        reading = false;
        if (stopped) return;
        if (again) {
          again = false;
          read();
        } else if (runningRef.current) {
          timer = window.setTimeout(read, delay);
        }
      });
    };
    read();
    const unsub = onDeltas((ds) => {
      if (ds === null || ds.some((d) => (d.type === 'trial' && d.trial.id === trialId) || (d.type === 'metric' && d.metric.trialId === trialId) || (d.type === 'log' && d.trialId === trialId))) read();
    });
    return () => {
      stopped = true;
      unsub();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [api, experimentId, trialId, name, onDeltas]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text, follow]);

  return (
    <div>
      <label className="check small"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow</label>
      <pre className="log" ref={box} data-testid={`log-${name}`}>{text || <span className="muted">(empty)</span>}</pre>
    </div>
  );
}
