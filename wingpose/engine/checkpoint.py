"""Load MMEngine checkpoints under torch >= 2.6 with ``weights_only`` safety kept on.

torch 2.6 made ``torch.load(weights_only=True)`` the default, and MMEngine 0.10.7 calls
``torch.load`` without the argument. Its checkpoints hold, besides tensors, numpy arrays and
scalars (``dataset_meta``, message-hub logs; ``bytes`` for empty arrays) and MMEngine's
``HistoryBuffer``, whose statistics methods are pickled as ``getattr(buffer, 'mean')``; the
unpickler rejects those. :func:`allow_mmengine_checkpoint_types` adds exactly these types to
torch's allow-list (``torch.serialization.add_safe_globals``), with ``builtins.getattr`` mapped
to :func:`history_buffer_method`, which returns nothing but a ``HistoryBuffer`` statistics
method: allowing the real ``getattr`` would open every attribute of every allowed object
(``ndarray.tofile`` ...). Anything else in a checkpoint is still refused by torch. It runs
when ``wingpose`` is imported, so MMPose's own tools with ``custom_imports=['wingpose']`` load
checkpoints too.
"""
import os.path as osp
import pickle
import re
from typing import Callable, List

import numpy as np
import torch
from torch import nn


def history_buffer_method(buffer: object, name: str) -> Callable:
    """``getattr`` for unpickling, restricted to ``HistoryBuffer`` statistics methods.

    MMEngine pickles them as ``getattr(HistoryBuffer, 'mean')`` (the class's registry of
    statistics functions); bound methods of an instance are accepted too.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    owner_ok = buffer is HistoryBuffer or isinstance(buffer, HistoryBuffer)
    # the built-in statistics, registered lazily by the first HistoryBuffer, and custom ones
    methods = {'min', 'max', 'current', 'mean', *HistoryBuffer._statistics_methods}
    if owner_ok and name in methods:
        return getattr(buffer, name)
    raise pickle.UnpicklingError(
        f'refusing getattr({getattr(buffer, "__name__", type(buffer).__name__)}, {name!r}) '
        'while loading a checkpoint: only '
        'the statistics methods of MMEngine HistoryBuffer objects are allowed')


def mmengine_checkpoint_types() -> List[object]:
    """The non-tensor globals that MMEngine/MMPose training checkpoints contain."""
    from mmengine.logging.history_buffer import HistoryBuffer

    numpy_types = [np.ndarray, np.dtype, np.core.multiarray._reconstruct,
                   np.core.multiarray.scalar]
    # numpy >= 1.25 pickles dtypes as instances of per-type classes (np.dtypes.Float32DType...)
    numpy_types += [type(np.dtype(t)) for t in np.sctypeDict.values()]
    return [HistoryBuffer, bytes, (history_buffer_method, 'builtins.getattr'),
            *dict.fromkeys(numpy_types)]


def allow_mmengine_checkpoint_types() -> None:
    """Allow-list the types of :func:`mmengine_checkpoint_types` for ``weights_only`` loads."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_types())


def verify_checkpoint(path: str) -> dict:
    """Check that ``path`` is a loadable checkpoint with finite weights, raising an error that
    names the path; returns the checkpoint.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: it cannot be read as a checkpoint (truncated, not a checkpoint, or holding
            types outside the allow-list), or its model tensors hold NaN or Inf
            (:func:`check_finite_weights`).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as error:
        detail = str(error)
        marker = 'WeightsUnpickler error: '  # torch's own explanation follows its advice text
        if marker in detail:
            detail = detail.split(marker, 1)[1].strip().split('\n\n')[0].strip()
        if not detail and osp.getsize(path) == 0:
            detail = 'the file is empty (0 bytes)'
        raise ValueError(f'cannot load checkpoint {path}: {detail or type(error).__name__}') \
            from error
    if not isinstance(checkpoint, dict):
        raise ValueError(f'checkpoint {path} holds a {type(checkpoint).__name__}, '
                         'not a dict with a state_dict')
    check_finite_weights(model_state(checkpoint), f'checkpoint {path}')
    return checkpoint


def model_state(checkpoint: dict) -> dict:
    """The checkpoint's model tensors, keyed as MMEngine's ``load_checkpoint`` reads them (the
    ``module.`` prefix of a wrapped model dropped)."""
    state = checkpoint.get('state_dict', checkpoint)
    return {re.sub(r'^module\.', '', key): value for key, value in state.items()}


def _listed(keys: List[str], limit: int = 8) -> str:
    shown = ', '.join(keys[:limit])
    return shown + (f' and {len(keys) - limit} more' if len(keys) > limit else '')


class CheckpointMismatchError(ValueError):
    """Weights that do not fit the model they are loaded into."""


def check_finite_weights(state: dict, what: str) -> None:
    """Raise a ValueError naming the tensors of ``state`` that hold NaN or Inf; ``what`` names
    the source (``'checkpoint x.pth'``). A model with such weights predicts NaN landmarks,
    which every metric then averages into NaN."""
    bad = [key for key, value in state.items()
           if torch.is_tensor(value) and value.is_floating_point()
           and not bool(torch.isfinite(value).all())]
    if bad:
        raise ValueError(f'{what} holds non-finite weights (NaN or Inf) in {len(bad)} '
                         f'tensors: {_listed(bad)}; a training that diverged saved it')


def state_dict_mismatch(model: nn.Module, state: dict) -> List[str]:
    """What keeps ``state`` from loading into ``model`` exactly: the missing, unexpected and
    mis-shaped tensors, one phrase per kind; empty when it fits."""
    expected = model.state_dict()
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    shapes = [f'{key} (checkpoint {tuple(state[key].shape)}, model {tuple(value.shape)})'
              for key, value in expected.items()
              if key in state and hasattr(state[key], 'shape')
              and tuple(state[key].shape) != tuple(value.shape)]
    return [f'{len(keys)} {what}: {_listed(keys)}' for what, keys in (
        ('missing tensors', missing), ('unexpected tensors', unexpected),
        ('tensors of another shape', shapes)) if keys]


def check_checkpoint_fits(model: nn.Module, checkpoint: dict, path: str) -> None:
    """Raise a :class:`CheckpointMismatchError` that lists the missing, unexpected and
    mis-shaped tensors when the checkpoint's ``state_dict`` does not hold exactly the tensors
    of ``model``, and a ValueError when they are not finite (:func:`check_finite_weights`).

    The keys are read as MMEngine's ``load_checkpoint`` reads them (:func:`model_state`).
    MMEngine loads ``load_from`` and the APIs' weights non-strictly,
    only warning; a checkpoint of another model would be evaluated with partly random weights.
    """
    state = model_state(checkpoint)
    problems = state_dict_mismatch(model, state)
    if problems:
        raise CheckpointMismatchError(
            f'checkpoint {path} does not fit the model ({type(model).__name__} of the '
            'config): ' + '; '.join(problems))
    check_finite_weights(state, f'checkpoint {path}')


def load_checkpoint_strictly(model: nn.Module, path: str) -> dict:
    """Load the weights at ``path`` into ``model`` when they fit it exactly
    (:func:`verify_checkpoint`, :func:`check_checkpoint_fits`); returns the checkpoint."""
    checkpoint = verify_checkpoint(path)
    check_checkpoint_fits(model, checkpoint, path)
    model.load_state_dict(model_state(checkpoint))
    return checkpoint
