import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChannelEndpoint } from '../../../../daemon/training/slurm/file-channel-endpoint';
import { until } from '../../server/daemon-process';

const root = mkdtempSync(join(tmpdir(), 'nasctl-file-channel-'));
after(() => rmSync(root, { recursive: true, force: true }));

for (const usePolling of [false, true]) {
  describe(`FileChannelEndpoint (${usePolling ? 'chokidar polling, NFS-like' : 'fs.watch'})`, () => {
    it('delivers whole lines only, saves the offset, reports other files, and resumes from the offset', async () => {
      const dir = join(root, usePolling ? 'polling' : 'watch');
      const lines: string[] = [];
      const files: string[] = [];
      const open = (resume: boolean): FileChannelEndpoint =>
        new FileChannelEndpoint({ dir, usePolling, pollIntervalMs: 20, resume, onLine: (line) => lines.push(line), onLineError: (error) => lines.push(`error: ${error}`), onFile: (name) => files.push(name) });
      const channel = open(false);
      const messages = join(dir, 'messages.jsonl');
      appendFileSync(messages, '{"type":"request_parameters"}\n{"type":"metric","tri');
      await until(() => (lines.length >= 1 ? true : undefined), 10_000, 'the first line');
      appendFileSync(messages, 'alId":"t","kind":"final","value":1}\n');
      await until(() => (lines.length >= 2 ? true : undefined), 10_000, 'the completed line');
      assert.deepEqual(lines, ['{"type":"request_parameters"}', '{"type":"metric","trialId":"t","kind":"final","value":1}'], 'a partial line is never read');
      assert.equal(Number(readFileSync(join(dir, 'messages.offset'), 'utf8').trim()), readFileSync(messages).length);
      writeFileSync(join(dir, 'exit_code.tmp'), '0\n');
      renameSync(join(dir, 'exit_code.tmp'), join(dir, 'exit_code'));
      await until(() => (files.includes('exit_code') ? true : undefined), 10_000, 'exit_code to be reported');
      assert.equal(files.some((f) => f.endsWith('.tmp') || f === 'messages.offset'), false, JSON.stringify(files));
      await channel.close();

      appendFileSync(messages, '{"type":"trial_done","trialId":"t"}\n');
      lines.length = 0;
      const resumed = open(true);
      await until(() => (lines.length >= 1 ? true : undefined), 10_000, 'the line written after the first endpoint closed');
      await resumed.close();
      assert.deepEqual(lines, ['{"type":"trial_done","trialId":"t"}'], 'only what came after the saved offset');
    });
  });
}
