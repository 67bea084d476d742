"""A work dir that moves, and writes that fail: named, with nothing lost."""
import errno
import os

import pytest
import torch

from wingpose.engine import resumable_checkpoint
from wingpose.utils import WriteError, atomic_write


def test_last_checkpoint_is_read_in_the_work_dir_it_lies_in(tmp_path):
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        torch.save(dict(state_dict={'w': torch.ones(1)}), tmp_path / name)
    (tmp_path / 'last_checkpoint').write_text('epoch_1.pth')
    assert resumable_checkpoint(str(tmp_path)) == (str(tmp_path / 'epoch_1.pth'), [])
    # an absolute path (a copied work dir of an older training): the file of that name here
    (tmp_path / 'last_checkpoint').write_text('/elsewhere/work/epoch_1.pth')
    assert resumable_checkpoint(str(tmp_path)) == (str(tmp_path / 'epoch_1.pth'), [])
    # one that is not here is tried as it is, then passed over for the latest here
    (tmp_path / 'last_checkpoint').write_text('/elsewhere/work/epoch_9.pth')
    assert resumable_checkpoint(str(tmp_path)) == (
        str(tmp_path / 'epoch_2.pth'), ['checkpoint not found: /elsewhere/work/epoch_9.pth'])


def test_a_failed_write_names_the_file_and_the_free_space(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_3.pth'
    path.write_bytes(b'the previous checkpoint')

    def full_disk(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, 'fsync', full_disk)
    with pytest.raises(WriteError) as error:
        with atomic_write(str(path)) as f:
            f.write(b'the new one')
    assert error.value.errno == errno.ENOSPC
    assert str(error.value).startswith(f'cannot write {path}: No space left on device (')
    assert 'B free there); the file is as it was before' in str(error.value)
    assert path.read_bytes() == b'the previous checkpoint'
    assert sorted(os.listdir(tmp_path)) == ['epoch_3.pth']  # no temporary file left
