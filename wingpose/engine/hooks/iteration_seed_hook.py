"""Training-time randomness of the model drawn from (seed, iteration, rank)."""
import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from wingpose.registry import HOOKS


@HOOKS.register_module()
class IterationSeedHook(Hook):
    """Seed torch's global generator before each training iteration from (seed, iteration,
    rank).

    The randomness a model draws while it trains (the two-stage model's jitter of the coarse
    alignment, dropout) then does not depend on what came before: a training resumed from a
    checkpoint draws what the uninterrupted one drew (MMEngine does not save the generator's
    state). The data's randomness is the sampler's (``SeededSampler``).
    """

    priority = 'VERY_HIGH'

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        state = np.random.SeedSequence([runner.seed % 2**32, runner.iter, get_rank()])
        torch.manual_seed(int(state.generate_state(1)[0]))
