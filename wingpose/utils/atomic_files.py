"""Files written whole or not at all."""
import os
import os.path as osp
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator


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
    error the temporary file is removed and ``path`` is left as it was.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(path)}.', suffix='.tmp')
    try:
        with os.fdopen(handle, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.unlink(tmp)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
