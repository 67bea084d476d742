import contextlib

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.utils import import_modules_from_strings
from mmpose.models.heads import RegressionHead
from mmpose.models.losses import WingLoss as MMPoseWingLoss
from mmpose.registry import MODELS as MMPOSE_MODELS

import wingpose
from wingpose.models.losses import WingLoss
from wingpose.registry import MODELS


@pytest.fixture
def scope():
    """Switch the default scope within a test; the previous one is restored afterwards."""
    with contextlib.ExitStack() as stack:
        yield lambda name: stack.enter_context(DefaultScope.overwrite_default_scope(name))


def test_full_mmcv_build_runs_its_compiled_ops():
    """``import mmpose.models`` needs mmcv's compiled ops (mmcv-lite fails): run one."""
    import mmpose.models  # noqa: F401
    from mmcv.ops import nms
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 11., 11.], [20., 20., 30., 30.]])
    kept, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5)
    assert keep.tolist() == [0, 2] and kept.shape == (2, 5)


def test_mmpose_config_refers_to_wingpose_parts(scope):
    cfg = Config(dict(
        default_scope='mmpose',
        custom_imports=dict(imports=['wingpose'], allow_failed_imports=False),
        head=dict(type='RegressionHead', in_channels=1024, num_joints=19,
                  loss=dict(type='wingpose.WingLoss', input_size=64))))
    import_modules_from_strings(**cfg.custom_imports)
    scope('mmpose')
    head = MMPOSE_MODELS.build(cfg.head)
    assert type(head) is RegressionHead
    assert type(head.loss_module) is WingLoss
    # MMPose's own name is untouched in MMPose's scope
    assert type(MMPOSE_MODELS.build(dict(type='WingLoss'))) is MMPoseWingLoss


def test_wingpose_scope_uses_plain_names_and_falls_through(scope):
    scope('wingpose')
    assert type(MODELS.build(dict(type='WingLoss'))) is WingLoss
    head = MODELS.build(dict(type='RegressionHead', in_channels=8, num_joints=2,
                             loss=dict(type='CoordinateLoss', kind='l1')))
    assert type(head) is RegressionHead  # MMPose's name, found through the parent
    optimizer_wrapper = wingpose.registry.OPTIM_WRAPPERS.get('OptimWrapper')
    assert optimizer_wrapper.__module__.startswith('mmengine')


def test_wingpose_never_writes_into_mmpose_registries():
    ours = set(MODELS.module_dict)
    assert {'WingLoss', 'AdaptiveWingLoss', 'STARLoss', 'CNN6', 'TwoStageTopdownEstimator'} <= ours
    assert MMPOSE_MODELS.get('WingLoss') is MMPoseWingLoss
    assert not ours & {'CNN6', 'CNN7', 'STARLoss', 'CoordinateLoss'} & set(
        MMPOSE_MODELS.module_dict)
    assert MODELS.scope == 'wingpose' and MODELS.parent is MMPOSE_MODELS


def test_unknown_wingpose_type_names_scope_and_type(scope):
    scope('mmpose')
    with pytest.raises(KeyError, match=r"wingpose\.NoSuchLoss is not in the mmpose::model "):
        MMPOSE_MODELS.build(dict(type='wingpose.NoSuchLoss'))
    scope('wingpose')
    with pytest.raises(KeyError, match=r"NoSuchLoss.*not in the wingpose::model registry"):
        MODELS.build(dict(type='NoSuchLoss'))


def test_importing_wingpose_leaves_torchvision_probeable():
    """The torchvision stand-in (ToPILImage for mmpose.visualization) is a well-formed module:
    other libraries' ``find_spec('torchvision')`` works after ``import wingpose``; anything
    beyond ToPILImage is an error that says so."""
    import subprocess
    import sys
    probe = ('import wingpose, importlib.util\n'
             'spec = importlib.util.find_spec("torchvision")\n'
             'assert spec is not None and importlib.util.find_spec("torchvision.transforms")\n'
             'import torchvision\n'
             'from torchvision.transforms import ToPILImage\n'
             'try:\n'
             '    torchvision.ops\n'
             'except AttributeError as error:\n'
             '    print(error)\n')
    result = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wingpose provides only torchvision.transforms.ToPILImage" in result.stdout


def test_codecs_import_no_models():
    """Codecs sit below models (as in MMPose): no module under wingpose/codecs imports
    wingpose.models, absolutely or relatively."""
    import ast
    import glob
    import os.path as osp

    from .utils import ROOT
    offenders = []
    for path in glob.glob(osp.join(ROOT, 'wingpose', 'codecs', '**', '*.py'), recursive=True):
        package = osp.relpath(osp.dirname(path), ROOT).replace(osp.sep, '.')
        for node in ast.walk(ast.parse(open(path).read())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.rsplit('.', node.level - 1)[0] if node.level else ''
                names = [f'{base}.{node.module}' if base and node.module else
                         node.module or base]
            offenders += [f'{osp.relpath(path, ROOT)}: {name}' for name in names
                          if name and name.startswith('wingpose.models')]
    assert offenders == []
