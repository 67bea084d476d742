"""A sampler whose draws say their epoch, so that each sample's augmentation is seeded from
(seed, epoch, index): the same in every worker layout and after ``--resume``."""
import random
from typing import Iterator

import numpy as np
from mmengine.dataset import DefaultSampler

from wingpose.registry import DATA_SAMPLERS


class SampleKey(int):
    """A dataset index that also carries the seed and epoch of the draw (:class:`SeededSampler`);
    it is the index wherever an ``int`` is expected."""

    def __new__(cls, index: int, seed: int, epoch: int) -> 'SampleKey':
        key = super().__new__(cls, index)
        key.seed, key.epoch = seed, epoch
        return key

    def __reduce__(self):  # to DataLoader workers
        return SampleKey, (int(self), self.seed, self.epoch)

    def __repr__(self) -> str:
        return f'SampleKey({int(self)}, seed={self.seed}, epoch={self.epoch})'


@DATA_SAMPLERS.register_module()
class SeededSampler(DefaultSampler):
    """MMEngine's ``DefaultSampler`` (the same order, from ``seed + epoch``) yielding
    :class:`SampleKey` indices.

    The datasets (``FaceLandmarkDataset``, ``PoseBalancedDataset``) seed NumPy's and Python's
    global generators from each key's (seed, epoch, index) before its pipeline runs
    (:func:`seed_sample`). MMEngine seeds each DataLoader worker once, when it starts, so a
    sample's augmentation depends on which worker loads it and on what that worker loaded
    before: a resumed run's fresh workers replay an earlier stream, and persistent workers
    carry theirs across epochs. Seeded per sample, a run killed anywhere and resumed draws the
    same augmentations as an uninterrupted one, with any number of workers.
    """

    def __iter__(self) -> Iterator[SampleKey]:
        for index in super().__iter__():
            yield SampleKey(index, self.seed, self.epoch)


def seed_sample(index: int) -> None:
    """Seed NumPy's and Python's global generators from a :class:`SampleKey`'s (seed, epoch,
    index); a plain index (testing, browsing) leaves them as they are."""
    if isinstance(index, SampleKey):
        state = np.random.SeedSequence(
            [index.seed % 2**32, index.epoch, int(index)]).generate_state(1)[0]
        np.random.seed(state)
        random.seed(int(state))
