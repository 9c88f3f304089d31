import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCounts, formatDuration, formatMetric, formatTable } from '../../../daemon/cli/format-table';
import { durationText, positiveInt, statusList, sortKey } from '../../../daemon/cli/cli-args';
import { daemonUrl } from '../../../daemon/cli/api-client';

describe('CLI formatting and argument parsers', () => {
  it('formatTable aligns columns and trims trailing spaces', () => {
    assert.equal(formatTable(['A', 'BB'], [['xxx', 'y'], ['z', '']]), 'A    BB\nxxx  y\nz');
  });
  it('formatCounts, formatMetric, formatDuration', () => {
    assert.equal(formatCounts({ WAITING: 0, RUNNING: 2, FAILED: 1 }), '2 RUNNING, 1 FAILED');
    assert.equal(formatCounts({}), 'none');
    assert.equal(formatMetric({ default: 0.123456789, loss: 2 }), '0.123457');
    assert.equal(formatMetric(undefined), '-');
    assert.equal(formatDuration(59_400), '59s');
    assert.equal(formatDuration(185_000), '3m05s');
    assert.equal(formatDuration(3_720_000), '1h02m');
    assert.equal(formatDuration(90_000_000), '1d01h');
  });
  it('parsers accept good values and reject bad ones', () => {
    assert.equal(positiveInt('12'), 12);
    assert.throws(() => positiveInt('1.5'), /not a positive integer/);
    assert.equal(durationText('1.5d'), '1.5d');
    assert.throws(() => durationText('2'), /not a duration/);
    assert.deepEqual(statusList('failed, running'), ['FAILED', 'RUNNING']);
    assert.equal(sortKey('metric'), 'finalMetric');
  });
  it('daemonUrl reaches wildcard hosts through loopback and brackets IPv6', () => {
    assert.equal(daemonUrl({ host: '0.0.0.0', port: 1 }), 'http://127.0.0.1:1');
    assert.equal(daemonUrl({ host: '::', port: 2 }), 'http://[::1]:2');
    assert.equal(daemonUrl({ host: 'gpu01', port: 3 }), 'http://gpu01:3');
  });
});
