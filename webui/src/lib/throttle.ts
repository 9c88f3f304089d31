/**
 * Returns a function that runs `fn` at most once per `ms` (leading and trailing call), used to
 * turn bursts of live deltas into occasional REST refreshes. `cancel()` drops a pending call.
 */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: number | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const t = () => {
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = window.setTimeout(run, wait);
  };
  t.cancel = () => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
  };
  return t;
}
