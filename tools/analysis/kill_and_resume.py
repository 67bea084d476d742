"""Kill trainings at random moments and in their checkpoint writes, resume them, compare.

    python tools/analysis/kill_and_resume.py [--kills 20] [--epochs 4] [--workers 2]
        [--config CONFIG] [--work-dir DIR] [--seed 0] [--moments ...] [--copies 1]

An uninterrupted ``tools/train.py`` run of ``--config`` (CNN6 + Wing on a small synthetic set,
validated and saved every epoch, the best kept) is the reference. Each trial starts the same
training in a fresh work dir, sends it ``SIGKILL`` at one moment and runs
``tools/train.py --resume`` until it finishes. The moments, cycled through and drawn from
``--seed``:

* from inside the training (``os.replace`` trapped, so the kill lands however loaded the
  machine), at one of the reference run's writes: of a checkpoint, ``last_checkpoint`` or a
  best checkpoint, with its temporary file written and not yet renamed; just after a
  checkpoint replaced its predecessor; after the last epoch's checkpoint is named and before
  its validation; after a new best is named and before the old best is removed;
* from this process, as a user or a scheduler kills: at a random time, or 0-300 ms after a
  checkpoint, ``last_checkpoint`` or a best checkpoint appears in the work dir.

Each trial checks that the resume succeeds, that a best checkpoint that existed before the kill
still loads after it, that the final weights equal the reference's bit for bit, that the work
dir ends with the reference's best checkpoint files, that every epoch's validation printed the
reference's metrics, and that no log line claims the removal of a file that is still there.
``--copies`` trials then kill a training, copy its work dir (``cp -r``), resume the copy and
check that the original is untouched and the copy ends as the reference. Prints one line per
trial and the summary lines:

    <kills> kills: <resumed> resumed, <kept> kept their best checkpoint, <equal> ended with the
    uninterrupted run's weights bit for bit, <best> with its best checkpoint files, <logged>
    with its validations and true removal lines
    <copies> copied work dirs: <resumed> resumed to the uninterrupted run's weights and best
    files, <untouched> left their original untouched
"""
import argparse
import fnmatch
import glob
import hashlib
import os
import os.path as osp
import re
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

# the moments of a kill: from inside the training, at one of the reference run's writes of a
# kind (the files it replaces, whether the kill comes after the rename), or at a write chosen
# by what precedes it; from outside, at a random time or after a kind of file appears
WRITES = {'epoch checkpoint write': ('epoch_*.pth', False),
          'last_checkpoint write': ('last_checkpoint', False),
          'best checkpoint write': ('best_*.pth', False),
          'after a checkpoint': ('epoch_*.pth', True)}
TARGETED = ('before the last validation', 'before the old best is removed')
APPEARS = {'after a checkpoint appears': 'epoch_*.pth',
           'after last_checkpoint appears': 'last_checkpoint',
           'after a best checkpoint appears': 'best_*.pth'}
MOMENTS = ('random time', *WRITES, *TARGETED, *APPEARS)
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


def trap_for(moment: str, writes: list, epochs: int, rng: np.random.Generator) -> tuple:
    """The trap's arguments that kill at ``moment``, one of the reference run's ``writes``
    (the file names it renamed into place, in order)."""
    if moment in WRITES:
        pattern, after = WRITES[moment]
        count = sum(fnmatch.fnmatch(name, pattern) for name in writes)
        return pattern, 'after' if after else 'before', str(rng.integers(count))
    if moment == 'before the last validation':  # the last epoch's checkpoint just named
        anchors = [writes.index(f'epoch_{epochs}.pth')]
    else:  # a best after the first one, and the latest checkpoint naming it just written
        anchors = [i for i, name in enumerate(writes) if name.startswith('best_')][1:]
        if not anchors:
            sys.exit(f'error: --moments {moment!r}: the reference run saved one best '
                     'checkpoint; the moment needs two (more --epochs)')
    anchor = anchors[rng.integers(len(anchors))]
    named = writes.index('last_checkpoint', anchor)
    return 'last_checkpoint', 'after', str(writes[:named].count('last_checkpoint'))


def appearances(work_dir: str, pattern: str, seen: dict) -> int:
    """How many files matching ``pattern`` appeared or were replaced in ``work_dir`` since the
    last call (``seen``: name -> (inode, mtime) of the last call)."""
    count = 0
    for path in glob.glob(osp.join(work_dir, pattern)):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        key = (stat.st_ino, stat.st_mtime_ns)
        count += seen.get(path) != key
        seen[path] = key
    return count


def kill_at(process: subprocess.Popen, work_dir: str, moment: str, delay: float,
            appearance: int, rng: np.random.Generator) -> tuple:
    """Wait for the training to be killed: by its trap, or from here after ``delay`` seconds
    (a random time) or 0-300 ms after the ``appearance``-th file of its kind appears. Returns
    what was hit, whether a best checkpoint had been written before, and the output."""
    start, best_written, kill_time, output = time.time(), False, None, []
    seen, appeared = {}, 0
    # read the training's output as it comes (a full pipe would stall it)
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    while process.poll() is None:
        best_written = best_written or bool(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if moment == 'random time' and kill_time is None:
            kill_time = start + delay
        elif moment in APPEARS and kill_time is None:
            appeared += appearances(work_dir, APPEARS[moment], seen)
            if appeared > appearance:
                kill_time = time.time() + rng.uniform(0, 0.3)
        if kill_time is not None and time.time() >= kill_time:
            os.killpg(process.pid, signal.SIGKILL)
            kill_time = float('inf')
        time.sleep(0.001)
    reader.join()
    # a best checkpoint present after the kill was written before it
    best_written = best_written or bool(glob.glob(osp.join(work_dir, 'best_*.pth')))
    if process.returncode != -signal.SIGKILL:
        return 'finished before the kill', best_written, output[0]
    unfinished = sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, '.*.tmp')))
    if moment == 'random time' or moment in APPEARS:
        where = ''
    elif unfinished:  # the write killed before its rename
        where = f' ({unfinished[-1]})'
    else:
        where = f' (after {replaced_files(output[0])[-1]})'
    return f'killed at {time.time() - start:.2f} s{where}', best_written, output[0]


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


def best_files(work_dir: str) -> list:
    return sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, 'best_*.pth')))


def validations(*logs: str) -> dict:
    """{epoch: its validation's metrics as printed} over ``logs`` in order (a later print of an
    epoch replaces an earlier one; the timings left out)."""
    printed = {}
    for log in logs:
        for epoch, metrics in re.findall(r'Epoch\(val\) \[(\d+)\]\[\d+/\d+\]\s+(NME.*)', log):
            printed[int(epoch)] = re.sub(r'\s*(data_)?time: \S+', '', metrics).strip()
    return printed


def false_removals(*logs: str) -> list:
    """The files that a log line says were removed and that still exist."""
    return [path for log in logs
            for path in re.findall(r'The previous best checkpoint (\S+) is removed', log)
            if osp.exists(path)]


def resume(config: str, work_dir: str, opts: list) -> tuple:
    """``--resume`` until the training finishes (three tries); (finished, outputs)."""
    outputs = []
    while len(outputs) < 3:
        process = train(config, work_dir, opts, resume=True)
        outputs.append(process.communicate()[0])
        if process.returncode == 0:
            return True, outputs
    return False, outputs


def snapshot(folder: str) -> dict:
    """{relative path: sha1} of every file under ``folder``."""
    files = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = osp.join(parent, name)
            with open(path, 'rb') as f:
                files[osp.relpath(path, folder)] = hashlib.sha1(f.read()).hexdigest()
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default='configs/synthface/cnn6_wing_synthface.py')
    parser.add_argument('--kills', type=int, default=20)
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--moments', nargs='+', choices=MOMENTS, default=list(MOMENTS))
    parser.add_argument('--copies', type=int, default=1,
                        help='trials whose killed work dir is copied and the copy resumed')
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
    expected_best, expected_validations = best_files(reference_dir), validations(log)
    reference_writes = replaced_files(log)
    rng = np.random.default_rng(args.seed)

    def trial(name: str, moment: str) -> tuple:
        """A training killed at ``moment`` in ``root/name``: (what was hit, best written before
        the kill, the killed run's output)."""
        trap = NO_KILL
        if moment in WRITES or moment in TARGETED:
            trap = trap_for(moment, reference_writes, args.epochs, rng)
        appearance = 0
        if moment in APPEARS:  # one of the reference run's files of this kind
            appearance = int(rng.integers(sum(fnmatch.fnmatch(f, APPEARS[moment])
                                              for f in reference_writes)))
        work_dir = osp.join(root, name)
        shutil.rmtree(work_dir, ignore_errors=True)
        return kill_at(train(args.config, work_dir, opts, trap=trap), work_dir, moment,
                       float(rng.uniform(0.3, 1.0) * duration), appearance, rng)

    def ends_as_reference(work_dir: str, done: bool) -> tuple:
        same = done and all(torch.equal(v, final_weights(work_dir, args.epochs)[k])
                            for k, v in expected.items())
        return same, best_files(work_dir) == expected_best

    totals = dict(resumed=0, kept=0, equal=0, best=0, logged=0)
    for number in range(args.kills):
        moment = args.moments[number % len(args.moments)]
        work_dir = osp.join(root, f'trial{number:02d}')
        hit, best_written, killed_log = trial(f'trial{number:02d}', moment)
        # a best checkpoint written before the kill: one must still load after it
        best_kept = not best_written or any(loads(p) for p in glob.glob(
            osp.join(work_dir, 'best_*.pth')))
        done, outputs = resume(args.config, work_dir, opts)
        best_kept = best_kept and any(
            loads(p) for p in glob.glob(osp.join(work_dir, 'best_*.pth')))
        same, same_best = ends_as_reference(work_dir, done)
        wrong_removals = false_removals(killed_log, *outputs)
        logged = validations(killed_log, *outputs) == expected_validations and \
            not wrong_removals
        for key, ok in dict(resumed=done, kept=best_kept, equal=same, best=same_best,
                            logged=logged).items():
            totals[key] += ok
        print(f'trial {number:2d}: {moment}, {hit}; resume {"ok" if done else "FAILED"}'
              f'{"" if done else chr(10) + outputs[-1][-2000:]}; best checkpoint '
              f'{"kept" if best_kept else "LOST"}; final weights '
              f'{"equal" if same else "DIFFERENT"}; best files '
              f'{"equal" if same_best else "DIFFERENT: " + str(best_files(work_dir))}; '
              f'validations {"equal" if logged else "DIFFERENT"}'
              + (f' (removal claimed of {wrong_removals})' if wrong_removals else ''),
              flush=True)
    copied = untouched = 0
    for number in range(args.copies):
        moment = args.moments[number % len(args.moments)]
        name = f'copy{number:02d}'
        hit, _, _ = trial(name, moment)
        original, copy = osp.join(root, name), osp.join(root, f'{name}_copy')
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(original, copy)
        before = snapshot(original)
        done, outputs = resume(args.config, copy, opts)
        same, same_best = ends_as_reference(copy, done)
        kept_original = snapshot(original) == before
        copied, untouched = copied + (same and same_best), untouched + kept_original
        print(f'copy {number:2d}: {moment}, {hit}; the copy resumed '
              f'{"to the reference" if same and same_best else "DIFFERENTLY"}; the original '
              f'{"untouched" if kept_original else "CHANGED"}', flush=True)
    print(f"{args.kills} kills: {totals['resumed']} resumed, {totals['kept']} kept their best "
          f"checkpoint, {totals['equal']} ended with the uninterrupted run's weights bit for "
          f"bit, {totals['best']} with its best checkpoint files, {totals['logged']} with its "
          f'validations and true removal lines ({args.config}, {args.epochs} epochs, '
          f'{args.workers} workers)')
    if args.copies:
        print(f'{args.copies} copied work dirs: {copied} resumed to the uninterrupted run\'s '
              f'weights and best files, {untouched} left their original untouched')
    if not args.work_dir:
        shutil.rmtree(root, ignore_errors=True)
    if set(totals.values()) != {args.kills} or not copied == untouched == args.copies:
        sys.exit(1)


if __name__ == '__main__':
    main()
