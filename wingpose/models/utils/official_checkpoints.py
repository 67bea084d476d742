"""Weights of the official STAR and AWing networks as wingpose state dicts.

``ZhenglinZhou/STAR`` (``StackedHGNetV1``) and ``protossw512/AdaptiveWingLoss`` (``FAN``) name
their modules differently from :class:`~wingpose.models.backbones.STARHourglassNet` and
:class:`~wingpose.models.backbones.AWingHourglassNet`, and order their CoordConv inputs as
(row, column) where wingpose has (x, y). The converters rename every tensor, swap those input
channels, and drop what the official forward never uses (STAR's 1x1 skip convolutions of
blocks whose widths agree, and its edge-to-heatmap buffers, which wingpose derives from the
edges). The result loads with ``strict=True`` into the backbone (keys without a prefix).
"""
import re
from collections import OrderedDict
from typing import Callable, Dict, Mapping

from torch import Tensor

# STAR's ResBlock and AWing's ConvBlock members -> wingpose's block members
_STAR_BLOCK = {'bn1': 'residual.0', 'conv1.conv': 'residual.2', 'bn2': 'residual.3',
               'conv2.conv': 'residual.5', 'bn3': 'residual.6', 'conv3.conv': 'residual.8',
               'skip_layer.conv': 'skip'}
_AWING_BLOCK = {'bn1': 'stages.0.0', 'conv1': 'stages.0.2', 'bn2': 'stages.1.0',
                'conv2': 'stages.1.2', 'bn3': 'stages.2.0', 'conv3': 'stages.2.2',
                'downsample.0': 'skip.0', 'downsample.2': 'skip.2'}
_HOURGLASS = {'up1': 'up', 'low1': 'low_in', 'low2': 'inner', 'low3': 'low_out'}
_AWING_BRANCH = {'1': 'up', '2': 'low_in', '3': 'low_out', '2_plus': 'inner'}
_STAR_STEM = {'1': '3', '3': '5', '4': '6'}  # official position -> wingpose's nn.Sequential
_AWING_STEM = {'2': '3', '3': '5', '4': '6'}
_STAR_HEADS = {'out_heatmaps': 'out_distributions.{}', 'out_pointmaps': 'out_points.{}',
               'out_edgemaps': 'out_edges.{}', 'merge_features': 'merge_features.{}',
               'merge_heatmaps': 'merge_maps.{}.0', 'merge_pointmaps': 'merge_maps.{}.1',
               'merge_edgemaps': 'merge_maps.{}.2'}
_AWING_HEADS = {'conv_last': 'features.{}.1', 'bn_end': 'features.{}.2', 'l': 'out_maps.{}',
                'bl': 'merge_features.{}', 'al': 'merge_maps.{}.0'}


def _block(member: str, table: Dict[str, str], key: str) -> str:
    for official, ours in table.items():
        if member.startswith(official + '.'):
            return ours + member[len(official):]
    raise KeyError(f'unexpected official key {key!r}')


def _star_key(key: str) -> str:
    match = re.match(r'pre\.0\.(conv|bn)\.(.+)$', key)
    if match:
        return f"stem.{0 if match[1] == 'conv' else 1}.{match[2]}"
    match = re.match(r'pre\.(\d)\.(.+)$', key)
    if match and match[1] in _STAR_STEM:
        return f'stem.{_STAR_STEM[match[1]]}.' + _block(match[2], _STAR_BLOCK, key)
    match = re.match(r'hgs\.(\d+)\.(.+)$', key)
    if match:
        parts = match[2].split('.')
        if parts[0] == 'coordconv':
            return f'hourglasses.{match[1]}.coord_conv.{parts[-1]}'
        depth = next(i for i, part in enumerate(parts) if part not in _HOURGLASS)
        return '.'.join([f'hourglasses.{match[1]}', *(_HOURGLASS[p] for p in parts[:depth]),
                         _block('.'.join(parts[depth:]), _STAR_BLOCK, key)])
    match = re.match(r'features\.(\d+)\.0\.(.+)$', key)
    if match:
        return f'features.{match[1]}.0.' + _block(match[2], _STAR_BLOCK, key)
    match = re.match(r'features\.(\d+)\.1\.(conv|bn)\.(.+)$', key)
    if match:
        return f"features.{match[1]}.{1 if match[2] == 'conv' else 2}.{match[3]}"
    match = re.match(r'(\w+)\.(\d+)\.conv\.(weight|bias)$', key)
    if match and match[1] in _STAR_HEADS:
        return _STAR_HEADS[match[1]].format(match[2]) + '.' + match[3]
    raise KeyError(f'unexpected official key {key!r}')


def _awing_key(key: str, depth: int) -> str:
    match = re.match(r'm(\d+)\.coordconv\.conv\.(weight|bias)$', key)
    if match:
        return f'hourglasses.{match[1]}.coord_conv.{match[2]}'
    match = re.match(r'm(\d+)\.b(1|2|3|2_plus)_(\d+)\.(.+)$', key)
    if match:
        stack, branch, level, member = match.groups()
        path = ['inner'] * (depth - int(level)) + [_AWING_BRANCH[branch]]
        return '.'.join([f'hourglasses.{stack}', *path, _block(member, _AWING_BLOCK, key)])
    match = re.match(r'(conv1\.conv|bn1)\.(.+)$', key)
    if match:
        return f"stem.{0 if match[1] == 'conv1.conv' else 1}.{match[2]}"
    match = re.match(r'conv(\d)\.(.+)$', key)
    if match and match[1] in _AWING_STEM:
        return f'stem.{_AWING_STEM[match[1]]}.' + _block(match[2], _AWING_BLOCK, key)
    match = re.match(r'top_m_(\d+)\.(.+)$', key)
    if match:
        return f'features.{match[1]}.0.' + _block(match[2], _AWING_BLOCK, key)
    match = re.match(r'([a-z_]+?)(\d+)\.(\w+)$', key)
    if match and match[1] in _AWING_HEADS:
        return _AWING_HEADS[match[1]].format(match[2]) + '.' + match[3]
    raise KeyError(f'unexpected official key {key!r}')


def _xy_first(weight: Tensor, coordinate_start: int, boundary: bool) -> Tensor:
    """Swap the official (row, column) coordinate input channels to wingpose's (x, y)."""
    order = list(range(weight.shape[1]))
    pairs = [coordinate_start] + ([coordinate_start + 3] if boundary else [])
    for first in pairs:
        order[first], order[first + 1] = first + 1, first
    return weight[:, order]


def _key_map(state_dict: Mapping[str, Tensor], rename: Callable[[str], str]) -> Dict[str, str]:
    """Official key -> wingpose key, for the tensors the official forward uses."""
    # STAR builds a 1x1 skip convolution in every block; its forward uses those of blocks
    # whose input and output widths differ (non-square weights) only
    unused = tuple(key[:-len('weight')] for key, value in state_dict.items()
                   if key.endswith('skip_layer.conv.weight') and value.shape[0] == value.shape[1])
    return OrderedDict(
        (key, rename(key[len('module.'):] if key.startswith('module.') else key))
        for key in state_dict
        # wingpose derives the edge-to-heatmap gate from the edges
        if not (key.startswith(('e2h_transform.', 'module.e2h_transform.'))
                or (unused and key.startswith(unused))))


def xy_first(name: str, value: Tensor) -> Tensor:
    """The tensor ``name`` (a wingpose key) with the official (row, column) coordinate input
    channels of a CoordConv swapped to wingpose's (x, y), or back: the swap is its own inverse.
    Other tensors are returned as they are."""
    if name == 'stem.0.weight':
        return _xy_first(value, 3, boundary=False)
    if name.endswith('coord_conv.weight'):
        boundary = not name.startswith('hourglasses.0.')
        return _xy_first(value, value.shape[1] - (5 if boundary else 3), boundary)
    return value


def _convert(state_dict: Mapping[str, Tensor], rename: Callable[[str], str]) -> Dict:
    return OrderedDict((name, xy_first(name, state_dict[key]))
                       for key, name in _key_map(state_dict, rename).items())


def official_key_map(state_dict: Mapping[str, Tensor], official: str) -> Dict[str, str]:
    """Official key -> wingpose key of an official ``'star'`` or ``'awing'`` state dict (the
    tensors the converters keep); values map with :func:`xy_first`."""
    if official == 'star':
        return _key_map(state_dict, _star_key)
    if official == 'awing':
        return _key_map(state_dict, _awing_rename(state_dict))
    raise ValueError(f"official must be 'star' or 'awing', got {official!r}")


def convert_star_state_dict(state_dict: Mapping[str, Tensor]) -> Dict[str, Tensor]:
    """The official ``StackedHGNetV1`` (``add_coord``, ``use_AAM``) state dict as
    :class:`~wingpose.models.backbones.STARHourglassNet`'s."""
    return _convert(state_dict, _star_key)


def _awing_rename(state_dict: Mapping[str, Tensor]) -> Callable[[str], str]:
    levels = [int(m[1]) for key in state_dict for m in [re.search(r'\.b1_(\d+)\.', key)] if m]
    if not levels:
        raise KeyError('not an AWing FAN state dict: no hourglass keys (m<i>.b1_<level>.*)')
    depth = max(levels)
    return lambda key: _awing_key(key, depth)


def convert_awing_state_dict(state_dict: Mapping[str, Tensor]) -> Dict[str, Tensor]:
    """The official ``FAN`` state dict as
    :class:`~wingpose.models.backbones.AWingHourglassNet`'s."""
    return _convert(state_dict, _awing_rename(state_dict))
