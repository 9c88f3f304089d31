import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDaemonMessage, parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import { encodeMessage } from '../../../trial-runtime/protocol/encode-message';
import type { DaemonToTrial, TrialToDaemon } from '../../../trial-runtime/protocol/messages';

const VALID: TrialToDaemon[] = [
  { type: 'hello', protocol: 1, sdk: 'ts', pid: 42 },
  { type: 'request_parameters' },
  { type: 'metric', trialId: 't1', kind: 'intermediate', value: 0.5 },
  { type: 'metric', trialId: 't1', kind: 'final', value: { default: 0.9, top5: 0.99 } },
  { type: 'log', level: 'warning', message: 'slow' },
  { type: 'error', trialId: 't1', message: 'boom', stack: 'at x' },
  { type: 'trial_done', trialId: 't1' },
];

test('every trial message round-trips through encode and parse', () => {
  for (const message of VALID) {
    const line = encodeMessage(message);
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    assert.deepEqual(parseTrialMessage(line.slice(0, -1)), { ok: true, message });
  }
});

test('invalid trial lines are rejected with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /not valid JSON/],
    ['42', /message/],
    ['{"type":"nope"}', /not a known message type/],
    ['{"kind":"final"}', /required property 'type'/],
    ['{"type":"metric","trialId":"t","kind":"final","value":"high"}', /value/],
    ['{"type":"metric","trialId":"t","kind":"final","value":{"top5":1}}', /value/],
    ['{"type":"metric","trialId":"t","kind":"best","value":1}', /\/kind must be one of/],
    ['{"type":"request_parameters","extra":1}', /unknown field "extra"/],
  ];
  for (const [line, reason] of cases) {
    const result = parseTrialMessage(line);
    assert.equal(result.ok, false, line);
    assert.match(!result.ok ? result.error : '', reason, line);
  }
});

test('daemon messages parse; trial messages are not daemon messages', () => {
  const parameters: DaemonToTrial = { type: 'parameters', trialId: 't', sequence: 3, parameters: { op: { _value: 'conv', _idx: 1 } }, trialDir: '/x' };
  assert.deepEqual(parseDaemonMessage(encodeMessage(parameters).trim()), { ok: true, message: parameters });
  assert.deepEqual(parseDaemonMessage('{"type":"no_more_trials"}'), { ok: true, message: { type: 'no_more_trials' } });
  assert.equal(parseDaemonMessage('{"type":"request_parameters"}').ok, false);
  assert.equal(parseDaemonMessage('{"type":"parameters","trialId":"t"}').ok, false);
});
