"""CNN6 and CNN7: the plain regression networks of the Wing loss paper (Feng et al., 2018)."""
from typing import Optional, Sequence, Tuple

import torch
from mmpose.models.backbones.base_backbone import BaseBackbone
from torch import Tensor, nn

from wingpose.registry import MODELS


@MODELS.register_module()
class CNN6(BaseBackbone):
    """CNN6 of "Wing Loss for Robust Facial Landmark Localisation with CNNs" (CVPR 2018).

    Blocks of 3x3 conv (+ optional BN) + ReLU + 2x2 max-pool, one block per entry of
    ``channels``, then a fully-connected layer of ``fc_channels`` with ReLU. The paper's CNN6
    takes a 64x64x3 input in [0, 1] with channels 32-64-128-256-512 and has no batch norm; the
    final FC to 2L coordinates is the head's (MMPose's ``RegressionHead(in_channels=1024)``,
    whose output is (L, 2) rather than the paper's [x1..xL, y1..yL]).

    Parameters with the defaults: 3,666,752 (convolutions 1,568,576; FC 2x2x512 -> 1024
    2,098,176), plus 1024 * 2L + 2L in the head.

    Args:
        in_channels (int): Input channels. Default: 3.
        channels (Sequence[int]): Output channels of the conv blocks.
            Default: (32, 64, 128, 256, 512).
        input_size (int): Side of the square input; with the blocks it fixes the FC input.
            Default: 64.
        fc_channels (int): Width of the fully-connected layer. Default: 1024.
        with_bn (bool): Batch norm after each conv (not in the paper). Default: False.
        init_cfg (dict | list[dict], optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = (32, 64, 128, 256, 512),
                 input_size: int = 64,
                 fc_channels: int = 1024,
                 with_bn: bool = False,
                 init_cfg: Optional[dict] = None):
        if init_cfg is None:
            init_cfg = [dict(type='Kaiming', layer='Conv2d', nonlinearity='relu'),
                        dict(type='Kaiming', layer='Linear', nonlinearity='relu')]
        super().__init__(init_cfg=init_cfg)
        side = input_size // 2**len(channels)
        if side < 1 or input_size % 2**len(channels):
            raise ValueError(f'input_size={input_size} must be a multiple of '
                             f'2**len(channels)={2**len(channels)}')
        layers = []
        for c_in, c_out in zip((in_channels, *channels[:-1]), channels):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=not with_bn)]
            layers += [nn.BatchNorm2d(c_out)] if with_bn else []
            layers += [nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Sequential(
            nn.Flatten(), nn.Linear(channels[-1] * side * side, fc_channels), nn.ReLU(inplace=True))
        self.input_size = input_size
        # Channels-last (NHWC) convolutions and pooling: on CPU PyTorch runs them in oneDNN at
        # every batch size (NCHW at batch 1 takes the slow im2col path) and pools without
        # reordering; 1.2-1.9x the faces/s of NCHW (tools/benchmark/bench_models.py).
        self.features.to(memory_format=torch.channels_last)

    def forward(self, x: Tensor) -> Tuple[Tensor]:
        """(N, C, input_size, input_size) -> ((N, fc_channels), )."""
        if x.shape[-2:] != (self.input_size, self.input_size):
            raise ValueError(f'{type(self).__name__} expects {self.input_size}x{self.input_size} '
                             f'inputs, got {tuple(x.shape)}')
        return (self.fc(self.features(x.contiguous(memory_format=torch.channels_last))), )


@MODELS.register_module()
class CNN7(CNN6):
    """CNN7 of the Wing loss paper: CNN6 with one more block, for 128x128 inputs.

    The paper does not list CNN7's channels (the first conv is reported to have 64); the
    default here is 64-64-128-256-512-512, so the last feature map is 2x2x512 as in CNN6.
    Parameters with the defaults: 6,045,888 (convolutions 3,947,712; FC 2,098,176).
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = (64, 64, 128, 256, 512, 512),
                 input_size: int = 128,
                 fc_channels: int = 1024,
                 with_bn: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(in_channels, channels, input_size, fc_channels, with_bn, init_cfg)
