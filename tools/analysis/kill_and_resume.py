"""Kill trainings at random moments and in their checkpoint writes, resume them, compare.

    python tools/analysis/kill_and_resume.py [--kills 20] [--epochs 4] [--workers 2]
        [--config CONFIG] [--work-dir DIR] [--seed 0]

An uninterrupted ``tools/train.py`` run of ``--config`` (CNN6 + Wing on a small synthetic set,
validated and saved every epoch, the best kept) is the reference. Each trial starts the same
training in a fresh work dir, sends it ``SIGKILL`` at one moment and runs
``tools/train.py --resume`` until it finishes. The moments, drawn from ``--seed``: a random
time within the run, or one of the writes of a checkpoint, ``last_checkpoint`` or a best
checkpoint that the reference run made, killed with its temporary file written and not yet
renamed, or just after a checkpoint replaced its predecessor. A write is killed from inside
the training (``os.replace`` trapped), so the kill lands in it however loaded the machine.
Each trial checks that the resume succeeds, that a best checkpoint that existed before the kill
still loads after it, and that the final weights equal the reference's bit for bit. Prints one
line per trial and a summary line:

    <kills> kills: <resumed> resumed, <kept> kept their best checkpoint, <equal> ended with the
    uninterrupted run's weights bit for bit
"""
import argparse
import fnmatch
import glob
import os
import os.path as osp
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

# the moments of a kill: a random time, or a write of a checkpoint, of last_checkpoint or of a
# best checkpoint, or the moment after a checkpoint replaced its predecessor; per write moment,
# the files it replaces and whether the kill comes after the rename
MOMENTS = ('random time', 'epoch checkpoint write', 'last_checkpoint write',
           'best checkpoint write', 'after a checkpoint')
WRITES = {'epoch checkpoint write': ('epoch_*.pth', False),
          'last_checkpoint write': ('last_checkpoint', False),
          'best checkpoint write': ('best_*.pth', False),
          'after a checkpoint': ('epoch_*.pth', True)}
# runs tools/train.py with os.replace trapped: it prints the name of every file it renames
# into place and, at the write numbered COUNT (0-based) of files matching PATTERN, kills the
# training's process group (the DataLoader workers too) before or after the rename
TRAP = '''
import fnmatch, os, os.path as osp, runpy, signal, sys
pattern, after, count = sys.argv[1], sys.argv[2] == 'after', int(sys.argv[3])
replace, matched = os.replace, [0]
def trapped(src, dst, *args, **kwargs):
    hit = False
    if fnmatch.fnmatch(osp.basename(dst), pattern):
        hit, matched[0] = matched[0] == count, matched[0] + 1
    if hit and not after:
        os.killpg(0, signal.SIGKILL)
    replace(src, dst, *args, **kwargs)
    print('kill_and_resume: replaced', osp.basename(dst), flush=True)
    if hit and after:
        os.killpg(0, signal.SIGKILL)
os.replace = trapped
sys.argv = sys.argv[4:]
runpy.run_path(sys.argv[0], run_name='__main__')
'''
NO_KILL = ('', 'before', '-1')  # the trap's arguments that only report the renames


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


def train(config: str, work_dir: str, opts: list, resume: bool = False,
          trap: tuple = NO_KILL) -> subprocess.Popen:
    """``tools/train.py`` in a new process group, its renames trapped (``TRAP``; by default
    only reported)."""
    command = [sys.executable, '-c', TRAP, *trap, 'tools/train.py', config,
               '--work-dir', work_dir, *(['--resume'] if resume else []), *opts]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1'),
                            start_new_session=True)


def replaced_files(log: str) -> list:
    """The names of the files a trapped training renamed into place, in order."""
    prefix = 'kill_and_resume: replaced '
    return [line[len(prefix):] for line in log.splitlines() if line.startswith(prefix)]


def kill_at(process: subprocess.Popen, work_dir: str, moment: str, delay: float) -> tuple:
    """Wait for the training to be killed (by its trap, or here after ``delay`` seconds for a
    random time); returns what was hit and whether a best checkpoint had been written before."""
    start, best_written, killed, output = time.time(), False, False, []
    # read the training's output as it comes (a full pipe would stall it)
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    while process.poll() is None:
        best_written = best_written or bool(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if moment == 'random time' and not killed and time.time() - start >= delay:
            os.killpg(process.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.001)
    reader.join()
    # a best checkpoint present after the kill was written before it
    best_written = best_written or bool(glob.glob(osp.join(work_dir, 'best_*.pth')))
    if process.returncode != -signal.SIGKILL:
        return 'finished before the kill', best_written
    unfinished = sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, '.*.tmp')))
    if moment == 'random time':
        where = ''
    elif unfinished:  # the write killed before its rename
        where = f' ({unfinished[-1]})'
    else:
        where = f' (after {replaced_files(output[0])[-1]})'
    return f'killed at {time.time() - start:.2f} s{where}', best_written


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
    reference_writes = replaced_files(log)
    rng = np.random.default_rng(args.seed)
    resumed = kept = equal = 0
    for trial in range(args.kills):
        moment = args.moments[trial % len(args.moments)]
        trap = NO_KILL
        if moment in WRITES:  # one of the reference run's writes of this kind
            pattern, after = WRITES[moment]
            count = sum(fnmatch.fnmatch(name, pattern) for name in reference_writes)
            trap = (pattern, 'after' if after else 'before', str(rng.integers(count)))
        work_dir = osp.join(root, f'trial{trial:02d}')
        shutil.rmtree(work_dir, ignore_errors=True)
        hit, best_written = kill_at(train(args.config, work_dir, opts, trap=trap), work_dir,
                                    moment, float(rng.uniform(0.3, 1.0) * duration))
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
