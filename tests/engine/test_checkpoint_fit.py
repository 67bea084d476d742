"""Checkpoints must hold exactly the model's tensors to be evaluated or exported."""
import pytest
import torch
from torch import nn

from wingpose.engine import check_checkpoint_fits, load_checkpoint_strictly


def test_mismatched_tensors_are_listed_and_nothing_is_loaded(tmp_path):
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
    state = dict(model.state_dict())
    # a wrapped model's keys (module.) load as MMEngine loads them
    check_checkpoint_fits(model, dict(state_dict={f'module.{k}': v for k, v in state.items()}),
                          'wrapped.pth')
    other = dict(state, **{'0.weight': torch.zeros(16, 3, 3, 3), '2.weight': torch.zeros(1)})
    del other['1.running_var']
    with pytest.raises(ValueError) as error:
        check_checkpoint_fits(model, dict(state_dict=other), 'other.pth')
    assert str(error.value) == (
        'checkpoint other.pth does not fit the model (Sequential of the config): 1 missing '
        'tensors: 1.running_var; 1 unexpected tensors: 2.weight; 1 tensors of another shape: '
        '0.weight (checkpoint (16, 3, 3, 3), model (8, 3, 3, 3))')
    path = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict=other), path)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match='does not fit the model'):
        load_checkpoint_strictly(model, path)
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    torch.save(dict(state_dict={k: torch.ones_like(v) for k, v in state.items()}), path)
    load_checkpoint_strictly(model, path)
    assert torch.equal(model[0].weight, torch.ones(8, 3, 3, 3))


def cnn_model(name: str, **options) -> nn.Module:
    """The model of configs/synthface/<name>_wing_synthface.py, built in wingpose's scope."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    import wingpose  # noqa: F401
    from wingpose.registry import MODELS

    from ..utils import ROOT
    cfg = Config.fromfile(f'{ROOT}/configs/synthface/{name}_wing_synthface.py')
    with DefaultScope.overwrite_default_scope('wingpose'):
        model = MODELS.build(dict(cfg.model, **options))
    model.init_weights()
    return model


def test_wingpose_estimators_refuse_weights_that_do_not_fit_on_every_path():
    """MMEngine's loading (load_from, --resume, the inferencers, init_model) and torch's:
    another model's weights or NaN are refused before any tensor is copied."""
    from mmengine.model import ExponentialMovingAverage
    from mmengine.runner.checkpoint import _load_checkpoint_to_model

    from wingpose.engine import CheckpointMismatchError
    cnn6, cnn7 = cnn_model('cnn6'), cnn_model('cnn7')
    before = {k: v.clone() for k, v in cnn6.state_dict().items()}
    with pytest.raises(CheckpointMismatchError, match=r'the weights loaded do not fit the model '
                                                      r'\(TopdownPoseEstimator\): .*tensors of '
                                                      r'another shape: '):
        _load_checkpoint_to_model(cnn6, dict(state_dict=cnn7.state_dict()))
    assert all(torch.equal(v, before[k]) for k, v in cnn6.state_dict().items())
    nan = {k: v.clone() for k, v in before.items()}
    nan['head.fc.weight'][0, 0] = float('nan')
    with pytest.raises(ValueError, match='non-finite weights .* 1 tensors: head.fc.weight'):
        cnn6.load_state_dict(nan)
    # EMA's copy of the model loads its weights under a prefix
    ema = ExponentialMovingAverage(cnn6)
    ema.load_state_dict(ema.state_dict())
    with pytest.raises(CheckpointMismatchError, match='1 missing tensors: head.fc.bias'):
        ema.load_state_dict({k: v for k, v in ema.state_dict().items()
                             if k != 'module.head.fc.bias'})
    # partial on purpose: the model's strict_load=False (load_from another model to fine-tune)
    partial = cnn_model('cnn6', strict_load=False)
    _load_checkpoint_to_model(partial, dict(state_dict={'head.fc.bias': torch.ones(136)}))
    assert torch.equal(partial.head.fc.bias, torch.ones(136))


def test_onnx_parity_check_fails_on_non_finite_landmarks(tmp_path):
    from mmengine.config import Config

    from wingpose.apis.deployment import check_onnx_matches, export_onnx, landmark_graph

    from ..utils import ROOT
    graph = landmark_graph(Config.fromfile(f'{ROOT}/configs/synthface/cnn6_wing_synthface.py'),
                           random_weights=True)
    path = str(tmp_path / 'cnn6.onnx')
    export_onnx(graph, path)
    assert check_onnx_matches(graph, path) < 1e-3
    with torch.no_grad():
        graph.model.head.fc.bias[0] = float('nan')
    export_onnx(graph, path)
    with pytest.raises(ValueError, match=r'differs from PyTorch by nan px \(tolerance 0.001\); '
                                         'the landmarks are not finite'):
        check_onnx_matches(graph, path)
