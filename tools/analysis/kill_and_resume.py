"""Kill trainings at random moments and in their checkpoint writes, resume them, compare.

    python tools/analysis/kill_and_resume.py [--kills 20] [--epochs 4] [--workers 2]
        [--config CONFIG] [--work-dir DIR] [--seed 0]

An uninterrupted ``tools/train.py`` run of ``--config`` (CNN6 + Wing on a small synthetic set,
validated and saved every epoch, the best kept) is the reference. Each trial starts the same
training in a fresh work dir, sends it ``SIGKILL`` at one moment and runs
``tools/train.py --resume`` until it finishes. The moments, drawn from ``--seed``: a random
time within the run, or the instant a checkpoint, ``last_checkpoint`` or a best checkpoint
is being written (the writer's temporary file appears) or has just replaced its predecessor.
Each trial checks that the resume succeeds, that a best checkpoint that existed before the kill
still loads after it, and that the final weights equal the reference's bit for bit. Prints one
line per trial and a summary line:

    <kills> kills: <resumed> resumed, <kept> kept their best checkpoint, <equal> ended with the
    uninterrupted run's weights bit for bit
"""
import argparse
import glob
import os
import os.path as osp
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

# the moments of a kill: a random time, or a write (its temporary file) of a checkpoint,
# of last_checkpoint or of a best checkpoint, or the moment after a checkpoint replaced
MOMENTS = ('random time', 'epoch checkpoint write', 'last_checkpoint write',
           'best checkpoint write', 'after a checkpoint')


def options(data: str, config: str, epochs: int, workers: int) -> list:
    from mmengine.config import Config

    from wingpose.datasets import data_root_options
    return ['--cfg-options', *data_root_options(Config.fromfile(osp.join(ROOT, config)), data),
            'train_dataloader.batch_size=8', f'train_cfg.max_epochs={epochs}',
            'train_cfg.val_interval=1', f'param_scheduler.0.end={epochs}',
            f'train_dataloader.num_workers={workers}',
            f'train_dataloader.persistent_workers={workers > 0}',
            'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
            'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=1']


def train(config: str, work_dir: str, opts: list, resume: bool = False) -> subprocess.Popen:
    command = [sys.executable, 'tools/train.py', config, '--work-dir', work_dir, *opts]
    if resume:
        command.insert(5, '--resume')
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1'),
                            start_new_session=True)


def matches(work_dir: str, moment: str) -> list:
    """The files whose appearance marks ``moment``."""
    patterns = {'epoch checkpoint write': '.epoch_*.tmp', 'last_checkpoint write':
                '.last_checkpoint.*.tmp', 'best checkpoint write': '.best_*.tmp',
                'after a checkpoint': 'epoch_*.pth'}[moment]
    return glob.glob(osp.join(work_dir, patterns))


def kill_at(process: subprocess.Popen, work_dir: str, moment: str, occurrence: int,
            delay: float) -> tuple:
    """Kill the training (its process group: the DataLoader workers too) at the moment;
    returns what was hit and whether a best checkpoint had been written before."""
    start, seen, best_written = time.time(), set(), False
    while process.poll() is None:
        best_written = best_written or bool(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if moment == 'random time':
            if time.time() - start >= delay:
                break
        else:
            seen.update(matches(work_dir, moment))
            if len(seen) > occurrence:
                break
        time.sleep(0.0005)
    if process.poll() is not None:
        return 'finished before the kill', best_written
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return f'killed at {time.time() - start:.2f} s' + (
        '' if moment == 'random time' else f' ({sorted(seen)[-1].rsplit("/", 1)[-1]})'
    ), best_written


def loads(path: str) -> bool:
    from wingpose.engine import verify_checkpoint
    try:
        verify_checkpoint(path)
        return True
    except (FileNotFoundError, ValueError):
        return False


def final_weights(work_dir: str, epochs: int) -> dict:
    return torch.load(osp.join(work_dir, f'epoch_{epochs}.pth'), map_location='cpu',
                      weights_only=False)['state_dict']


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default='configs/synthface/cnn6_wing_synthface.py')
    parser.add_argument('--kills', type=int, default=20)
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--moments', nargs='+', choices=MOMENTS, default=list(MOMENTS))
    parser.add_argument('--work-dir', help='keep the trials here (default: a temporary dir)')
    args = parser.parse_args()
    from wingpose.datasets.synthetic import generate_synthetic_faces
    root = args.work_dir or tempfile.mkdtemp(prefix='kill_and_resume_')
    data = osp.join(root, 'data')
    generate_synthetic_faces(data, num_train=48, num_test=24, seed=3, image_size=128)
    opts = options(data, args.config, args.epochs, args.workers)
    reference_dir = osp.join(root, 'reference')
    shutil.rmtree(reference_dir, ignore_errors=True)
    start = time.time()
    reference = train(args.config, reference_dir, opts)
    log = reference.communicate()[0]
    if reference.returncode:
        sys.exit(f'error: the reference training failed:\n{log[-3000:]}')
    duration = time.time() - start
    expected = final_weights(reference_dir, args.epochs)
    rng = np.random.default_rng(args.seed)
    resumed = kept = equal = 0
    for trial in range(args.kills):
        moment = args.moments[trial % len(args.moments)]
        occurrence = int(rng.integers(args.epochs))
        work_dir = osp.join(root, f'trial{trial:02d}')
        shutil.rmtree(work_dir, ignore_errors=True)
        hit, best_written = kill_at(train(args.config, work_dir, opts), work_dir, moment,
                                    occurrence, float(rng.uniform(0.3, 1.0) * duration))
        # a best checkpoint written before the kill: one must still load after it
        best_kept = not best_written or any(
            loads(p) for p in glob.glob(osp.join(work_dir, 'best_*.pth')))
        runs, done = 0, False
        while not done and runs < 3:
            process = train(args.config, work_dir, opts, resume=True)
            output = process.communicate()[0]
            runs += 1
            done = process.returncode == 0
        best_kept = best_kept and any(
            loads(p) for p in glob.glob(osp.join(work_dir, 'best_*.pth')))
        same = done and all(torch.equal(v, final_weights(work_dir, args.epochs)[k])
                            for k, v in expected.items())
        resumed, kept, equal = resumed + done, kept + best_kept, equal + same
        print(f'trial {trial:2d}: {moment}, {hit}; resume {"ok" if done else "FAILED"}'
              f'{"" if done else chr(10) + output[-2000:]}; best checkpoint '
              f'{"kept" if best_kept else "LOST"}; final weights '
              f'{"equal" if same else "DIFFERENT"}', flush=True)
    print(f'{args.kills} kills: {resumed} resumed, {kept} kept their best checkpoint, {equal} '
          "ended with the uninterrupted run's weights bit for bit "
          f'({args.config}, {args.epochs} epochs, {args.workers} workers)')
    if not args.work_dir:
        shutil.rmtree(root, ignore_errors=True)
    if not resumed == kept == equal == args.kills:
        sys.exit(1)


if __name__ == '__main__':
    main()
