import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BadRequestError } from '../../../daemon/errors';
import {
  experimentDbPath, experimentDir, scanExperiments, trialDir,
} from '../../../daemon/store/experiment-files';
import { openSqliteStore } from '../../../daemon/store/sqlite-store';
import { sampleConfig } from './store-contract';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-home-'));
after(() => fs.rmSync(home, { recursive: true, force: true }));

function makeExperiment(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'experiment.db'), '');
}

describe('experiment files', () => {
  it('lays out experiment, database and trial paths', () => {
    const dir = experimentDir(home, 'Ab_3-x');
    assert.equal(dir, path.join(home, 'experiments', 'Ab_3-x'));
    assert.equal(experimentDbPath(dir), path.join(home, 'experiments', 'Ab_3-x', 'experiment.db'));
    assert.equal(trialDir(dir, 'tr1'), path.join(home, 'experiments', 'Ab_3-x', 'trials', 'tr1'));
    assert.equal(experimentDir('relative-home', 'e1'), path.resolve('relative-home', 'experiments', 'e1'));
  });

  it('refuses ids that would leave their folder', () => {
    for (const bad of ['..', '../etc', 'a/b', '', 'a b', 'x\\y']) {
      assert.throws(() => experimentDir(home, bad), BadRequestError, bad);
      assert.throws(() => trialDir(home, bad), BadRequestError, bad);
    }
  });

  it('finds nothing, without problems, when there is no experiments folder', () => {
    assert.deepEqual(scanExperiments(path.join(home, 'nowhere')), { experiments: [], problems: [] });
  });

  it('reports an experiments path that is not a folder', () => {
    const h = path.join(home, 'file-home');
    fs.mkdirSync(h);
    fs.writeFileSync(path.join(h, 'experiments'), 'oops');
    const { experiments, problems } = scanExperiments(h);
    assert.deepEqual(experiments, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.path, path.join(h, 'experiments'));
  });

  it('finds every folder with an experiment.db, sorted, and reports unusable entries', () => {
    const h = path.join(home, 'scan');
    const root = path.join(h, 'experiments');
    makeExperiment(path.join(root, 'exp-b'));
    makeExperiment(path.join(root, 'exp-a'));
    fs.mkdirSync(path.join(root, 'no-db'), { recursive: true });
    fs.writeFileSync(path.join(root, 'notes.txt'), 'not an experiment');
    makeExperiment(path.join(root, 'bad name'));
    fs.mkdirSync(path.join(root, 'db-is-dir', 'experiment.db'), { recursive: true });
    fs.symlinkSync(path.join(h, 'gone'), path.join(root, 'broken'));
    makeExperiment(path.join(h, 'copied-from-elsewhere'));
    fs.symlinkSync(path.join(h, 'copied-from-elsewhere'), path.join(root, 'linked'));

    const { experiments: found, problems } = scanExperiments(h);
    assert.deepEqual(found, [
      { id: 'exp-a', dir: path.join(root, 'exp-a') },
      { id: 'exp-b', dir: path.join(root, 'exp-b') },
      { id: 'linked', dir: path.join(root, 'linked') },
    ]);
    assert.deepEqual(problems.map((p) => p.path).sort(), [
      path.join(root, 'bad name'), path.join(root, 'broken'), path.join(root, 'db-is-dir', 'experiment.db'),
    ].sort());
    for (const p of problems) assert.match(p.message, /rename|remove|fix|permissions/);
  });

  it('a scanned folder opens as a store', () => {
    const h = path.join(home, 'open');
    const dir = experimentDir(h, 'e1');
    const store = openSqliteStore(experimentDbPath(dir));
    store.createExperiment({ id: 'e1', name: 'n', config: sampleConfig(), createdAt: 1 });
    store.close();
    const [found] = scanExperiments(h).experiments;
    assert.ok(found);
    const reopened = openSqliteStore(experimentDbPath(found.dir), { readOnly: true });
    assert.equal(reopened.getExperiment().id, 'e1');
    reopened.close();
  });
});
