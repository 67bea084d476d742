"""Official STAR / AWing weights into wingpose's networks: every tensor renamed, loaded with
strict=True, the CoordConv inputs reordered; and the command-line converter."""
import gzip
import json
import os
import os.path as osp
import stat

import pytest
import torch

from wingpose.models.backbones import AWingHourglassNet, STARHourglassNet
from wingpose.models.utils import convert_awing_state_dict, convert_star_state_dict

from ..utils import ROOT, run_tool

# Names and shapes of the official state dicts for 29 landmarks, written from the official
# code (ZhenglinZhou/STAR StackedHGNetV1, protossw512/AdaptiveWingLoss FAN(4)); no weights.
with gzip.open(osp.join(ROOT, 'tests', 'data', 'official_hourglass_keys.json.gz'), 'rt') as f:
    OFFICIAL = json.load(f)


def official_state_dict(model, prefix=''):
    """Each tensor filled with its own index, so a misplaced tensor shows."""
    return {prefix + key: torch.full(shape, float(i)) if shape else torch.tensor(i)
            for i, (key, shape) in enumerate(OFFICIAL[model])}


@pytest.mark.parametrize('model,net,convert', [
    ('star', lambda: STARHourglassNet(29), convert_star_state_dict),
    ('awing', lambda: AWingHourglassNet(29), convert_awing_state_dict)])
def test_every_official_tensor_finds_its_place(model, net, convert):
    official = official_state_dict(model, prefix='module.')  # DataParallel's prefix too
    converted = convert(official)
    network = net()
    network.load_state_dict(converted, strict=True)
    ours = network.state_dict()
    # every tensor of the network comes from the official state dict, none twice
    values = [float(v.flatten()[0]) for k, v in converted.items() if v.numel()]
    assert len(set(values)) == len(values)
    assert set(converted) == {k for k in ours if not k.endswith('edge_incidence')
                              and not k.endswith('edge_bias')}


def test_coordinate_channels_are_reordered():
    official = {k: torch.zeros(s) for k, s in OFFICIAL['star']}
    stem = official['pre.0.conv.weight']  # (64, 3 + row, column, r, 7, 7)
    stem[:, 3], stem[:, 4], stem[:, 5] = 1., 2., 3.
    hourglass = official['hgs.1.coordconv.conv.weight']  # 256 + row, col, r, b_row, b_col
    hourglass[:, 256:261] = torch.tensor([1., 2., 3., 4., 5.])[:, None, None]
    converted = convert_star_state_dict(official)
    assert converted['stem.0.weight'][0, 3:6, 0, 0].tolist() == [2., 1., 3.]  # x, y, r
    assert converted['hourglasses.1.coord_conv.weight'][0, 256:261, 0, 0].tolist() == \
        [2., 1., 3., 5., 4.]
    assert 'hourglasses.0.coord_conv.weight' in converted


def test_unexpected_keys_are_named():
    with pytest.raises(KeyError, match="unexpected official key 'head.weight'"):
        convert_star_state_dict({'head.weight': torch.zeros(1)})
    with pytest.raises(KeyError, match='not an AWing FAN state dict'):
        convert_awing_state_dict({'pre.0.conv.weight': torch.zeros(1)})


def test_converter_tool_writes_a_checkpoint_the_config_loads(tmp_path):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    from mmpose.registry import MODELS
    src = tmp_path / 'official.pkl'
    torch.save(dict(net=official_state_dict('star'), epoch=3), src)
    dst = tmp_path / 'star_cofw.pth'
    run_tool('tools/model_converters/official_to_wingpose.py', 'star', str(src), str(dst))
    init_default_scope('wingpose')
    model = MODELS.build(Config.fromfile(
        osp.join(ROOT, 'configs', 'star', 'stackedhg_star_cofw.py')).model)
    load_checkpoint(model, str(dst), strict=True)
    # a wrong container is named, and the existing output is kept
    torch.save(dict(optimizer={}), src)
    before = dst.read_bytes()
    result = run_tool('tools/model_converters/official_to_wingpose.py', 'star', str(src),
                      str(dst), '--ema', check=False)
    assert result.returncode != 0
    assert "expected 'net_ema' or a bare state dict, found ['optimizer']" in result.stderr
    assert dst.read_bytes() == before
    # a file that is no checkpoint: an error naming it, not a traceback; the output's mode is
    # the user's umask
    src.write_bytes(b'\x80\x02not a pickle')
    result = run_tool('tools/model_converters/official_to_wingpose.py', 'star', str(src),
                      str(dst), check=False)
    assert result.returncode != 0 and 'Traceback' not in result.stderr
    assert f'error: {src} is not an official star checkpoint' in result.stderr
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(dst.stat().st_mode) == 0o666 & ~umask
