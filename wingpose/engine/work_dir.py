"""A training's work directory: one training at a time, and the checkpoint to resume from."""
import errno
import fcntl
import glob
import os
import os.path as osp
import socket
import tempfile
from contextlib import contextmanager
from typing import Iterator, List, Optional, Tuple

from wingpose.utils import WriteError, free_space
from .checkpoint import verify_checkpoint

LOCK_FILE = '.train.lock'


class WorkDirBusyError(RuntimeError):
    """Another training holds the work directory."""


class WorkDirError(WriteError):
    """A work directory that cannot be created or written."""


def check_work_dir(work_dir: str) -> None:
    """Create ``work_dir`` if needed and write a file in it, raising :class:`WorkDirError`
    with the reason (a file in the way, a read-only or full file system, no permission)."""
    if osp.exists(work_dir) and not osp.isdir(work_dir):
        raise WorkDirError(errno.ENOTDIR, f'work dir {work_dir} is a file, not a directory: '
                           'give another --work-dir')
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.TemporaryFile(dir=work_dir):
            pass
    except OSError as error:
        raise WorkDirError(error.errno, f'work dir {work_dir} cannot be written: '
                           f'{error.strerror or error} ({free_space(work_dir)} free there)'
                           ) from error


@contextmanager
def work_dir_lock(work_dir: str, log=print) -> Iterator[None]:
    """Hold ``work_dir`` for one training: a second one stops at once, naming the holder.

    The lock is ``fcntl.flock`` on ``work_dir/.train.lock``, which also holds the holder's pid
    and host; the system releases it when its process ends however it ends, so the lock of a
    killed training is taken over (with a message naming the previous holder).
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_FILE)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    with os.fdopen(handle, 'r+') as f:
        previous = f.read().strip()
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkDirBusyError(
                f'work dir {work_dir} is in use by another training ({previous or "pid unknown"}'
                f'; lock {path}): wait for it, or give another --work-dir') from None
        if previous:
            log(f'{work_dir}: taking over the lock of an earlier training ({previous}) that '
                'is no longer running')
        f.seek(0)
        f.truncate()
        f.write(f'pid {os.getpid()} on {socket.gethostname()}')
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            f.flush()


def checkpoint_step(path: Optional[str]) -> int:
    """The epoch or iteration of an ``epoch_N.pth`` / ``iter_N.pth`` file name, else -1."""
    stem, _, number = osp.splitext(osp.basename(path or ''))[0].rpartition('_')
    return int(number) if stem in ('epoch', 'iter') and number.isdigit() else -1


def named_checkpoint(work_dir: str, named: str) -> str:
    """The checkpoint that ``work_dir/last_checkpoint`` names: a relative name is relative to
    ``work_dir``; an absolute path (older trainings wrote them) whose file name exists in
    ``work_dir`` is that file, since the work dir was copied or moved since."""
    if not osp.isabs(named):
        return osp.join(work_dir, named)
    here = osp.join(work_dir, osp.basename(named))
    return here if osp.isfile(here) else named


def resumable_checkpoint(work_dir: str) -> Tuple[Optional[str], List[str]]:
    """The checkpoint to resume from in ``work_dir`` and notes on what was passed over.

    The one ``last_checkpoint`` names (:func:`named_checkpoint`), when it loads; else the
    latest ``epoch_N.pth`` / ``iter_N.pth`` that loads (a training killed while it wrote
    leaves the previous one complete). None when no checkpoint loads.
    """
    notes = []
    named = None
    last = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(last):
        with open(last) as f:
            named = f.read().strip() or None
        if named is None:
            notes.append(f'{last} is empty')
        else:
            named = named_checkpoint(work_dir, named)
    candidates = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth'))
                        + glob.glob(osp.join(work_dir, 'iter_*.pth')),
                        key=checkpoint_step, reverse=True)
    others = [c for c in candidates if osp.abspath(c) != osp.abspath(named or '')]
    for path in ([named] if named else []) + others:
        try:
            verify_checkpoint(path)
        except (FileNotFoundError, ValueError) as error:
            notes.append(str(error))
            continue
        return path, notes
    return None, notes
