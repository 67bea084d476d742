"""Files written whole or not at all."""
import os
import os.path as osp
import shutil
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator


class WriteError(OSError):
    """A file that could not be written; the message names it and the free space there."""

    def __str__(self) -> str:
        return self.strerror


def format_bytes(size: float) -> str:
    """``size`` in B, KiB, MiB, GiB or TiB, three significant figures."""
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if abs(size) < 1024:
            return f'{size:.3g} {unit}'
        size /= 1024
    return f'{size:.3g} TiB'


def free_space(folder: str) -> str:
    """The free space of the file system holding ``folder`` (its nearest existing parent),
    formatted, or 'unknown'."""
    while folder and not osp.isdir(folder):
        folder = osp.dirname(folder)
    try:
        return format_bytes(shutil.disk_usage(folder or '.').free)
    except OSError:
        return 'unknown'


def current_umask() -> int:
    """The process's umask (the permission bits new files do not get)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: str, mode: str = 'wb') -> Iterator[IO]:
    """A file to write ``path`` through: a temporary file beside it that, when the block ends
    without an error, is flushed to disk, given the permissions of a new file (``0o666`` less
    the umask) and renamed to ``path`` in one step, the folder entry synced too. A reader, or
    a process killed at any moment, sees the old file or the new one, never part of one; on an
    error the temporary file is removed and ``path`` is left as it was. A failure of the file
    system (no space, a read-only mount, no such folder) raises :class:`WriteError` naming
    ``path`` and the free space there.
    """
    folder = osp.dirname(osp.abspath(path))
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(path)}.',
                                       suffix='.tmp')
        with os.fdopen(handle, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None and osp.exists(tmp):
            os.unlink(tmp)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(error.errno, f'cannot write {path}: {error.strerror or error} '
                             f'({free_space(folder)} free there); the file is as it was '
                             'before') from error
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
