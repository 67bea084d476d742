"""MMPose's top-down estimator that loads only weights that fit it."""
from mmpose.models.pose_estimators import TopdownPoseEstimator as MMPoseTopdownPoseEstimator

from wingpose.engine.checkpoint import (CheckpointMismatchError, check_finite_weights,
                                        state_dict_mismatch)
from wingpose.registry import MODELS


@MODELS.register_module()
class TopdownPoseEstimator(MMPoseTopdownPoseEstimator):
    """MMPose's ``TopdownPoseEstimator`` that refuses weights that do not fit it.

    MMEngine loads ``load_from``, ``--resume``, the inferencers' weights and
    ``init_model``'s checkpoint non-strictly: another model's checkpoint loads its matching
    tensors, leaves the others random and only prints the mismatch. Every load into this
    model (MMEngine's ``load_state_dict`` and torch's) first checks the whole state dict:
    missing, unexpected or mis-shaped tensors raise :class:`CheckpointMismatchError`, NaN or
    Inf a ValueError, each naming the tensors, before any tensor is copied.

    Args:
        strict_load (bool): Refuse a state dict that does not fit exactly. ``False`` loads a
            partial one on purpose (``load_from`` another model to fine-tune), as MMEngine
            does; non-finite weights are refused either way. torch's
            ``load_state_dict(strict=False)`` does not reach the model's own loading (torch
            passes ``strict=True`` down), so this is the one switch. Default: True.
        Other arguments: as MMPose's ``TopdownPoseEstimator``.
    """

    def __init__(self, *args, strict_load: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.strict_load = strict_load
        # after MMPose's own pre-hook (which renames the keys of MMPose 0.x checkpoints)
        self._register_load_state_dict_pre_hook(self._check_state_dict)

    def _check_state_dict(self, state_dict: dict, prefix: str, *args) -> None:
        state = {key[len(prefix):]: value for key, value in state_dict.items()
                 if key.startswith(prefix)}
        check_finite_weights(state, 'the state dict loaded into the model')
        if not self.strict_load:
            return
        problems = state_dict_mismatch(self, state)
        if problems:
            raise CheckpointMismatchError(
                f'the weights loaded do not fit the model ({type(self).__name__}): '
                + '; '.join(problems) + ' (model.strict_load=False loads them partially)')
