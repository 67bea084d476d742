"""The GPU path, skipped without CUDA: the losses on CUDA equal their float64 CPU values and
pass gradcheck there; the papers' hourglass networks, built from their configs, give the CPU's
outputs and losses on CUDA and train there."""
import copy
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from wingpose.models.losses import AdaptiveWingLoss, CoordinateLoss, STARLoss, WingLoss
from wingpose.registry import DATASETS, MODELS

from ..utils import ROOT

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')


def loss_inputs(name: str):
    """(loss, prediction, target, keypoint weights) in float64 on the CPU."""
    g = torch.Generator().manual_seed(0)
    weights = torch.rand(3, 6, generator=g, dtype=torch.float64)
    weights[0, 2] = 0
    if name in ('wing', 'l1', 'l2', 'smooth_l1'):
        pred, target = (torch.rand(3, 6, 2, generator=g, dtype=torch.float64) for _ in range(2))
        loss = WingLoss(input_size=(64, 48)) if name == 'wing' else \
            CoordinateLoss(name, input_size=(64, 48))
        return loss, pred, target, weights
    heatmaps = torch.rand(3, 6, 12, 10, generator=g, dtype=torch.float64)**6
    if name == 'awing_map':
        target = torch.rand(3, 6, 12, 10, generator=g, dtype=torch.float64)**4
        return AdaptiveWingLoss(use_weight_map=True), heatmaps, target, weights
    coords = torch.rand(3, 6, 2, generator=g, dtype=torch.float64) * 2 - 1
    return STARLoss(dist=name.split('_', 1)[1]), heatmaps, coords, weights


def value_and_gradient(loss, pred, target, weights, device, dtype):
    pred = pred.detach().to(device, dtype, copy=True).requires_grad_()
    value = loss.to(device)(pred, target.to(device, dtype), weights.to(device, dtype))
    value.backward()
    assert value.device.type == device and pred.grad.device.type == device
    return value.detach().cpu().double(), pred.grad.cpu().double()


LOSSES = ['wing', 'l1', 'l2', 'smooth_l1', 'awing_map', 'star_smooth_l1', 'star_wing']


@pytest.mark.parametrize('name', LOSSES)
def test_loss_on_cuda_equals_cpu(name):
    loss, pred, target, weights = loss_inputs(name)
    cpu_value, cpu_grad = value_and_gradient(loss, pred, target, weights, 'cpu', torch.float64)
    value, grad = value_and_gradient(loss, pred, target, weights, 'cuda', torch.float64)
    assert torch.allclose(value, cpu_value, rtol=1e-10, atol=0)
    assert torch.allclose(grad, cpu_grad, rtol=1e-9, atol=1e-12)
    value, grad = value_and_gradient(loss, pred, target, weights, 'cuda', torch.float32)
    assert abs(value - cpu_value) <= 1e-4 * abs(cpu_value)
    assert (grad - cpu_grad).norm() <= 1e-3 * cpu_grad.norm()


@pytest.mark.parametrize('name', ['wing', 'awing_map', 'star_smooth_l1'])
def test_loss_gradcheck_on_cuda(name):
    loss, pred, target, weights = loss_inputs(name)
    loss = loss.cuda()
    target, weights = target.cuda(), weights.cuda()
    pred = pred.cuda()[:1, :3].requires_grad_()
    assert torch.autograd.gradcheck(lambda p: loss(p, target[:1, :3], weights[:1, :3]), (pred, ))


@pytest.fixture
def exact_float32():
    """TF32 off, so that CUDA convolutions and products round as float32 does on the CPU."""
    flags = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = flags


@pytest.mark.parametrize('config', ['star/stackedhg_star_300w.py', 'awing/stackedhg_awing_300w.py'])
def test_hourglass_network_agrees_with_cpu_and_trains_on_cuda(config, synthface, exact_float32):
    """The full-size network and the config's pipeline, losses and optimiser, on 8 synthetic
    68-point faces (300W's layout)."""
    init_default_scope('wingpose')
    cfg = Config.fromfile(osp.join(ROOT, 'configs', config))
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, data_root=synthface,
                                  ann_file='annotations/synthface_68_train.json'))
    batch = pseudo_collate([dataset[i] for i in range(8)])
    torch.manual_seed(0)
    cpu_model = MODELS.build(cfg.model)
    cpu_model.init_weights()
    model = copy.deepcopy(cpu_model).cuda()

    with torch.no_grad():
        cpu_data = cpu_model.data_preprocessor(copy.deepcopy(batch), training=True)
        data = model.data_preprocessor(copy.deepcopy(batch), training=True)
        assert data['inputs'].is_cuda
        cpu_stacks = cpu_model.extract_feat(cpu_data['inputs'])
        stacks = model.extract_feat(data['inputs'])
        assert len(stacks) == 4
        for cpu_out, out in zip(cpu_stacks, stacks):
            assert (out.cpu() - cpu_out).norm() <= 1e-4 * cpu_out.norm()
        cpu_losses, losses = cpu_model(**cpu_data, mode='loss'), model(**data, mode='loss')
    assert sorted(losses) == sorted(cpu_losses)
    for key, cpu_value in cpu_losses.items():
        assert losses[key].item() == pytest.approx(cpu_value.item(), rel=1e-4), key

    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = [p.detach().clone() for p in model.parameters()]
    totals = []
    for _ in range(12):
        logged = model.train_step(copy.deepcopy(batch), optim_wrapper)
        totals.append(logged['loss'].item())
    assert all(math.isfinite(t) for t in totals)
    assert min(totals[-3:]) < totals[0], totals  # it fits the one batch it sees
    assert all(torch.isfinite(p).all() for p in model.parameters())
    unchanged = [name for (name, p), b in zip(model.named_parameters(), before)
                 if torch.equal(p, b)]
    assert unchanged == []
