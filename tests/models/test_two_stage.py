import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from mmpose.structures import PoseDataSample

from wingpose.models.utils import apply_affine, invert_affine
from wingpose.registry import MODELS


def build(frozen=()):
    cfg = Config.fromfile('configs/synthface/cnn6-cnn7_wing_synthface.py')
    init_default_scope('wingpose')
    cfg.model.frozen_stages = frozen
    return MODELS.build(cfg.model)


def samples(n, k=68):
    torch.manual_seed(0)
    out = []
    for _ in range(n):
        sample = PoseDataSample(metainfo=dict(
            input_size=(128, 128), input_center=np.array([64., 64.]),
            input_scale=np.array([128., 128.]),
            flip_indices=list(range(k))))
        sample.gt_instance_labels = InstanceData(
            keypoint_labels=torch.rand(1, k, 2) * 0.5 + 0.25, keypoint_weights=torch.ones(1, k))
        sample.gt_instances = InstanceData(bboxes=torch.zeros(1, 4), bbox_scores=torch.ones(1))
        out.append(sample)
    return out


def test_forward_backward_with_wing_loss():
    model = build()
    model.init_weights()
    inputs = torch.rand(2, 3, 128, 128)
    losses = model.loss(inputs, samples(2))
    assert set(losses) == {'loss_coarse', 'loss_fine'}
    sum(losses.values()).backward()
    assert model.coarse_backbone.features[0].weight.grad.abs().sum() > 0
    assert model.backbone.features[0].weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model.predict(inputs, samples(2))
    assert preds[0].pred_instances.keypoints.shape == (1, 68, 2)


def test_frozen_coarse_stage_gets_no_gradient():
    model = build(frozen=('coarse', ))
    model.train()
    assert not model.coarse_backbone.training
    losses = model.loss(torch.rand(2, 3, 128, 128), samples(2))
    assert set(losses) == {'loss_fine'}
    losses['loss_fine'].backward()
    assert all(p.grad is None for p in model.coarse_backbone.parameters())


def test_stage_checkpoint_loads_a_single_stage_model(tmp_path):
    cfg = Config.fromfile('configs/synthface/cnn6_wing_synthface.py')
    init_default_scope('wingpose')
    single = MODELS.build(cfg.model)
    single.init_weights()
    path = str(tmp_path / 'cnn6.pth')
    torch.save(dict(state_dict=single.state_dict()), path)
    cfg = Config.fromfile('configs/synthface/cnn6-cnn7_wing_synthface.py')
    cfg.model.stage_checkpoints = dict(coarse=path)
    two_stage = MODELS.build(cfg.model)
    two_stage.init_weights()
    for name, value in single.backbone.state_dict().items():
        assert torch.equal(two_stage.coarse_backbone.state_dict()[name], value)
    assert torch.equal(two_stage.coarse_head.fc.weight, single.head.fc.weight)
    cfg.model.stage_checkpoints = dict(middle=path)
    with pytest.raises(ValueError, match=r"unknown stage\(s\) \['middle'\]"):
        MODELS.build(cfg.model)
    # a checkpoint without the stage's weights is said, not silently skipped
    torch.save(dict(state_dict=dict(neck=torch.zeros(1))), path)
    cfg.model.stage_checkpoints = dict(fine=path)
    with pytest.raises(KeyError, match='no backbone.. weights for the fine stage'):
        MODELS.build(cfg.model).init_weights()


def test_fine_stage_returning_the_aligned_ground_truth_gives_it_back():
    """A fine stage that predicts the ground truth in the aligned crop it is given: ``loss``
    maps the labels into the same (jittered) crop, so ``loss_fine`` is 0, and ``predict``
    maps its output back to the input crop, so the predictions are the ground truth."""
    model = build()
    model.init_weights()
    model.test_cfg['flip_test'] = False
    data_samples = samples(2)
    labels = torch.cat([d.gt_instance_labels.keypoint_labels for d in data_samples])
    size, out_size = 128, model.backbone.input_size
    crops_seen = []

    def fine_returns_ground_truth(inputs, alignment):
        crops_seen.append(alignment)
        return apply_affine(invert_affine(alignment), labels * size) / out_size

    model.fine_forward = fine_returns_ground_truth
    torch.manual_seed(1)
    losses = model.loss(torch.rand(2, 3, size, size), data_samples)
    assert losses['loss_fine'].item() == pytest.approx(0, abs=1e-4)
    assert losses['loss_coarse'].item() > 1  # the untrained coarse stage is far off
    model.eval()
    with torch.no_grad():
        preds = model.predict(torch.rand(2, 3, size, size), data_samples)
    for pred, label in zip(preds, labels):
        np.testing.assert_allclose(pred.pred_instances.keypoints[0], label.numpy() * size,
                                   atol=1e-3)
    # the crops are not the identity: the mapping is exercised, not skipped
    assert not torch.allclose(crops_seen[-1][:, :, :2], torch.eye(2).expand(2, 2, 2))


def test_stage_checkpoint_of_another_architecture_is_refused(tmp_path):
    """Strict loading (MMEngine's ``Pretrained`` init would load it with warnings only)."""
    cfg = Config.fromfile('configs/synthface/cnn7_wing_synthface.py')
    init_default_scope('wingpose')
    path = str(tmp_path / 'cnn7.pth')
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict()), path)
    cfg = Config.fromfile('configs/synthface/cnn6-cnn7_wing_synthface.py')
    cfg.model.stage_checkpoints = dict(coarse=path)
    with pytest.raises(RuntimeError, match='Missing key|Unexpected key|size mismatch'):
        MODELS.build(cfg.model).init_weights()
