import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PYTHON_CLIENT_DIR, makeTempDir } from '../../daemon/training/local/recording-listener';
import { completesTornReply } from '../sdk/torn-reply';

test('python client over the file channel (reuse mode), earlier layout: replies from parameters/<k>.json in order, no_more_trials ends the loop', () => {
  const dir = makeTempDir('py-file');
  try {
    mkdirSync(path.join(dir.root, 'parameters'));
    const reply = (k: number, m: object): void => writeFileSync(path.join(dir.root, 'parameters', `${k}.json`), JSON.stringify(m) + '\n');
    reply(0, { type: 'parameters', trialId: 'a', sequence: 0, parameters: { x: 1 }, trialDir: dir.root });
    reply(1, { type: 'parameters', trialId: 'b', sequence: 1, parameters: { x: 2 }, trialDir: dir.root });
    reply(2, { type: 'no_more_trials' });
    writeFileSync(path.join(dir.root, 'w.py'), `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    nt.report_final_result(p["x"] * 10)\nprint(nt.is_under_nasctl())\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    const out = execFileSync('python3', ['w.py'], { cwd: dir.root, env, encoding: 'utf8', timeout: 10_000 });
    assert.equal(out.trim(), 'True');
    const lines = readFileSync(path.join(dir.root, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.slice(1), [
      { type: 'request_parameters' },
      { type: 'metric', trialId: 'a', kind: 'final', value: 10 },
      { type: 'request_parameters' },
      { type: 'metric', trialId: 'b', kind: 'final', value: 20 },
      { type: 'request_parameters' },
    ]);
  } finally {
    dir.remove();
  }
});

test('python client reads replies.jsonl by offset: a partial last line is not a reply until its newline is written', async () => {
  const dir = makeTempDir('py-partial');
  try {
    const replies = path.join(dir.root, 'replies.jsonl');
    writeFileSync(replies, JSON.stringify({ type: 'parameters', trialId: 'p0', sequence: 0, parameters: { k: 0 }, trialDir: dir.root }) + '\n{"type":"param');
    writeFileSync(path.join(dir.root, 'w.py'), `import sys, json\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\nseen = []\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    seen.append(nt.get_trial_id())\n    nt.report_final_result(p["k"])\nprint(json.dumps(seen))\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    await completesTornReply(dir.root, 'python3', ['w.py'], env, replies);
  } finally {
    dir.remove();
  }
});

test('python client: once a change notification brings a reply it waits on notifications, not fast polling; a reply only a look finds withdraws that trust', () => {
  const dir = makeTempDir('py-trust');
  try {
    const elsewhere = path.join(dir.root, 'elsewhere');
    mkdirSync(elsewhere);
    // Replies come from a thread after a delay; `_next_reply` is wrapped to count the looks.
    writeFileSync(
      path.join(dir.root, 't.py'),
      [
        'import sys, os, json, threading, time',
        `sys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})`,
        'import nasctl_trial as nt',
        'd = os.environ["NASCTL_CHANNEL_DIR"]',
        'c = nt._Client(os.environ)',
        'def reply(k, delay):',
        '    def run():',
        '        time.sleep(delay)',
        '        with open(os.path.join(d, "replies.jsonl"), "ab") as f:',
        '            f.write((json.dumps({"type": "parameters", "trialId": "t%d" % k, "sequence": k, "parameters": {"k": k}, "trialDir": d}) + "\\n").encode())',
        '    threading.Thread(target=run).start()',
        'looks = [0]',
        'plain = c._next_reply',
        'def counted():',
        '    looks[0] += 1',
        '    return plain()',
        'c._next_reply = counted',
        'out = {}',
        'reply(0, 0.05); c.get_next_parameters(); out["trustedAfterNotifiedReply"] = c.waiter.trusted',
        'looks[0] = 0; reply(1, 0.3); assert c.get_next_parameters() == {"k": 1}; out["looksTrusted"] = looks[0]',
        '# Notifications that miss the daemon\'s writes (NFS): a watch of another folder.',
        'os.close(c.waiter.fd); c.waiter = nt._FolderWaiter.create(sys.argv[1]); c.waiter.trusted = True',
        'reply(2, 0.05); assert c.get_next_parameters() == {"k": 2}; out["trustedAfterLookedUpReply"] = c.waiter.trusted',
        'looks[0] = 0; reply(3, 0.3); assert c.get_next_parameters() == {"k": 3}; out["looksUntrusted"] = looks[0]',
        'print(json.dumps(out))',
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    const out = JSON.parse(execFileSync('python3', ['t.py', elsewhere], { cwd: dir.root, env, encoding: 'utf8', timeout: 20_000 })) as Record<string, number | boolean>;
    assert.equal(out['trustedAfterNotifiedReply'], true);
    assert.equal(out['trustedAfterLookedUpReply'], false);
    // 0.3 s of waiting: a look every 0.1 s when trusted (4-5 seen); every 0.2 ms for the first 20 ms when not (about 80 seen).
    assert.ok((out['looksTrusted'] as number) <= 8, JSON.stringify(out));
    assert.ok((out['looksUntrusted'] as number) >= 15, JSON.stringify(out));
  } finally {
    dir.remove();
  }
});
