import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDecoder } from '../../../trial-runtime/protocol/line-decoder';

function collect(maxLineBytes?: number) {
  const lines: string[] = [];
  const errors: string[] = [];
  const decoder = new LineDecoder({ onLine: (l) => lines.push(l), onLineError: (e) => errors.push(e) }, maxLineBytes);
  return { decoder, lines, errors };
}

test('splits chunks into lines, joining lines split across chunks (even inside a UTF-8 character)', () => {
  const { decoder, lines, errors } = collect();
  const bytes = Buffer.from('{"a":1}\n{"b":"é"}\r\n\n{"c"');
  decoder.push(bytes.subarray(0, 12));
  decoder.push(bytes.subarray(12, 15));
  decoder.push(bytes.subarray(15));
  assert.deepEqual(lines, ['{"a":1}', '{"b":"é"}', '']);
  decoder.push(Buffer.from(':3}\n'));
  assert.deepEqual(lines.at(-1), '{"c":3}');
  assert.deepEqual(errors, []);
});

test('a partial line at end of stream is an error, never a line', () => {
  const { decoder, lines, errors } = collect();
  decoder.push(Buffer.from('{"a":1}\n{"partial"'));
  decoder.end();
  assert.deepEqual(lines, ['{"a":1}']);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /incomplete line/);
});

test('over-long lines are reported once and skipped up to the next newline', () => {
  const { decoder, lines, errors } = collect(10);
  decoder.push(Buffer.from('12345'));
  decoder.push(Buffer.from('678901234'));
  decoder.push(Buffer.from('more\nok\n'));
  decoder.push(Buffer.from('x'.repeat(20) + '\nfine\n'));
  assert.deepEqual(lines, ['ok', 'fine']);
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /longer than 10 bytes/);
});
