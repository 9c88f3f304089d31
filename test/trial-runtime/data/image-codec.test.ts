import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { decodeImage, encodeJpeg, encodePng } from '../../../trial-runtime/data/image-codec';
import { solidImage } from './fixtures';

test('PNG round-trips exactly; JPEG approximately', () => {
  const img = solidImage(3, 5, [200, 30, 90]);
  img.data[0] = 7;
  const png = decodeImage(encodePng(img), 'a.png');
  assert.deepEqual([png.width, png.height], [5, 3]);
  assert.deepEqual([...png.data], [...img.data]);
  const jpg = decodeImage(encodeJpeg(solidImage(8, 8, [200, 30, 90]), 95), 'a.jpg');
  assert.equal(jpg.data.length, 8 * 8 * 3);
  for (let i = 0; i < jpg.data.length; i += 3) {
    assert.ok(Math.abs(jpg.data[i] - 200) < 8 && Math.abs(jpg.data[i + 1] - 30) < 8 && Math.abs(jpg.data[i + 2] - 90) < 8);
  }
});

test('decodeImage names the file that is not an image or is corrupt', () => {
  assert.throws(() => decodeImage(Buffer.from('hello world'), 'x/readme.jpg'), (e: unknown) => e instanceof DatasetError && e.file === 'x/readme.jpg' && /not a JPEG or PNG/.test(e.message));
  const png = encodePng(solidImage(4, 4, [1, 2, 3]));
  assert.throws(() => decodeImage(png.subarray(0, 30), 'x/cut.png'), (e: unknown) => e instanceof DatasetError && e.file === 'x/cut.png' && /cannot decode/.test(e.message));
});
