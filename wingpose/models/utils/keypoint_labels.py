"""The coordinate labels that heads train STAR with, gathered from the batch."""
import torch
from mmpose.utils.typing import OptSampleList
from torch import Tensor


def star_coordinates(batch_data_samples: OptSampleList, head: str) -> Tensor:
    """The ``keypoint_labels`` as (N, K, 2) coordinates in the [-1, 1] frame of the heatmaps'
    soft-argmax, where STAR's loss measures them (the codec chooses the frame,
    :mod:`wingpose.codecs.utils.coordinate_frames`); ``head`` names the caller in the error."""
    labels = [d.gt_instance_labels.get('keypoint_labels') for d in batch_data_samples]
    if any(label is None for label in labels):
        raise ValueError(f'{head} needs keypoint_labels for STAR: encode the targets with the '
                         'SoftArgmaxHeatmap codec (GenerateTarget(encoder=codec))')
    return torch.cat(labels)
