"""Load MMEngine checkpoints under torch >= 2.6 with ``weights_only`` safety kept on.

torch 2.6 made ``torch.load(weights_only=True)`` the default, and MMEngine 0.10.7 calls
``torch.load`` without the argument. Its checkpoints hold, besides tensors, numpy arrays and
scalars (``dataset_meta``, message-hub logs) and MMEngine's ``HistoryBuffer``; the unpickler
rejects those. :func:`allow_mmengine_checkpoint_types` adds exactly these types to torch's
allow-list (``torch.serialization.add_safe_globals``); anything else in a checkpoint is still
refused by torch. It runs when ``wingpose`` is imported, so MMPose's own tools with
``custom_imports=['wingpose']`` load checkpoints too.
"""
import os.path as osp
import pickle
from typing import List

import numpy as np
import torch


def mmengine_checkpoint_types() -> List[object]:
    """The non-tensor types that MMEngine/MMPose training checkpoints contain."""
    from mmengine.logging.history_buffer import HistoryBuffer

    numpy_types = [np.ndarray, np.dtype, np.core.multiarray._reconstruct,
                   np.core.multiarray.scalar]
    # numpy >= 1.25 pickles dtypes as instances of per-type classes (np.dtypes.Float32DType...)
    numpy_types += [type(np.dtype(t)) for t in np.sctypeDict.values()]
    return [HistoryBuffer, *dict.fromkeys(numpy_types)]


def allow_mmengine_checkpoint_types() -> None:
    """Allow-list the types of :func:`mmengine_checkpoint_types` for ``weights_only`` loads."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_types())


def verify_checkpoint(path: str) -> None:
    """Check that ``path`` is a loadable checkpoint, raising an error that names the path.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: it cannot be read as a checkpoint (truncated, not a checkpoint, or holding
            types outside the allow-list).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as error:
        raise ValueError(f'cannot load checkpoint {path}: {error}') from error
    if not isinstance(checkpoint, dict):
        raise ValueError(f'checkpoint {path} holds a {type(checkpoint).__name__}, '
                         'not a dict with a state_dict')
