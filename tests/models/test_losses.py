import math

import pytest
import torch
from mmpose.models.losses import AdaptiveWingLoss as MMPoseAdaptiveWingLoss
from mmpose.models.losses import WingLoss as MMPoseWingLoss

from wingpose.models.losses import AdaptiveWingLoss, STARLoss, WingLoss
from wingpose.models.losses.adaptive_wing_loss import weighted_loss_map
from wingpose.models.losses.wing_loss import wing

from .references import adaptive_wing, star_loss_reference


def scalar_coords(x: float) -> torch.Tensor:
    return torch.tensor([[[x, 0.]]], dtype=torch.float64)


# ----------------------------------------------------------------------------------- Wing
@pytest.mark.parametrize('x, expected', [
    (1., 10 * math.log(1 + 1 / 2)),            # log branch
    (-4., 10 * math.log(1 + 4 / 2)),           # symmetric
    (15., 15 - (10 - 10 * math.log(1 + 10 / 2))),  # linear branch
])
def test_wing_closed_form(x, expected):
    assert wing(torch.tensor(x, dtype=torch.float64)).item() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize('r', [0., 1., 3.])
def test_wing_continuous_at_w(r):
    w = 10.
    below = wing(torch.tensor(w - 1e-9, dtype=torch.float64), w, 2., r)
    above = wing(torch.tensor(w, dtype=torch.float64), w, 2., r)
    assert below.item() == pytest.approx(above.item(), abs=1e-7)


def test_rectified_wing_closed_form():
    r = 1.
    t = torch.tensor([0.5, 3., 20.], dtype=torch.float64)
    c = 10 - 10 * math.log(1 + (10 - r) / 2)
    expected = [0., 10 * math.log(1 + (3 - r) / 2), 20 - c]
    assert wing(t, 10., 2., r).tolist() == pytest.approx(expected, rel=1e-12)
    # continuity at the zero zone
    assert wing(torch.tensor(r + 1e-12, dtype=torch.float64), 10., 2., r).item() < 1e-10


def test_wing_loss_is_mean_over_coordinates_in_pixels():
    loss = WingLoss(input_size=(64, 32))
    pred = torch.tensor([[[0.1, 0.5]]], dtype=torch.float64)
    target = torch.tensor([[[0.0, 0.0]]], dtype=torch.float64)
    expected = (wing(torch.tensor(6.4)) + wing(torch.tensor(16.))).item() / 2
    assert loss(pred, target).item() == pytest.approx(expected, rel=1e-6)


def test_wing_loss_zero_weight_removes_point_exactly():
    torch.manual_seed(0)
    pred = torch.rand(2, 5, 2, dtype=torch.float64) * 20
    target = torch.rand(2, 5, 2, dtype=torch.float64) * 20
    weight = torch.ones(2, 5, dtype=torch.float64)
    weight[:, -1] = 0
    pred_far = pred.clone().requires_grad_()
    with torch.no_grad():
        pred_far[:, -1] = 1e4
    loss = WingLoss()
    removed = loss(pred_far, target, weight.unsqueeze(-1))
    assert removed.item() == pytest.approx(loss(pred[:, :-1], target[:, :-1]).item(), rel=1e-14)
    removed.backward()
    assert (pred_far.grad[:, -1] == 0).all()


def test_wing_loss_does_not_grow_with_landmarks():
    torch.manual_seed(0)
    pred, target = torch.rand(3, 19, 2) * 20, torch.rand(3, 19, 2) * 20
    loss = WingLoss()
    tiled = loss(pred.repeat(1, 5, 1), target.repeat(1, 5, 1))
    assert tiled.item() == pytest.approx(loss(pred, target).item(), rel=1e-6)


def test_wing_loss_matches_mmpose_up_to_reduction():
    torch.manual_seed(0)
    pred, target = torch.rand(4, 68, 2) * 30, torch.rand(4, 68, 2) * 30
    ours = WingLoss(use_target_weight=False)(pred, target)
    theirs = MMPoseWingLoss(omega=10., epsilon=2.)(pred, target)
    # MMPose sums over keypoints and coordinates, then averages over the batch
    assert (ours * 68 * 2).item() == pytest.approx(theirs.item(), rel=1e-5)


def test_wing_loss_gradcheck():
    torch.manual_seed(0)
    # errors away from 0, r and w
    target = torch.zeros(2, 4, 2, dtype=torch.float64)
    pred = torch.tensor([1.5, 4., 12., 30., -2.5, -8., -13., 0.7] * 2,
                        dtype=torch.float64).view(2, 4, 2).requires_grad_()
    weight = torch.rand(2, 4, 1, dtype=torch.float64)
    for r in (0., 0.5):
        assert torch.autograd.gradcheck(
            lambda p: WingLoss(rectified_r=r)(p, target, weight), (pred, ))


@pytest.mark.parametrize('kwargs, match', [
    (dict(w=-1.), 'w must be'),
    (dict(epsilon=0.), 'epsilon must be'),
    (dict(rectified_r=10.), 'rectified_r'),
    (dict(rectified_r=-1.), 'rectified_r'),
    (dict(input_size=(64, 64, 3)), 'input_size'),
])
def test_wing_loss_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WingLoss(**kwargs)


def test_wing_loss_bad_inputs():
    loss = WingLoss(check_finite=True)
    with pytest.raises(ValueError, match=r'same shape.*\(2, 3, 2\).*\(2, 4, 2\)'):
        loss(torch.zeros(2, 3, 2), torch.zeros(2, 4, 2))
    with pytest.raises(ValueError, match=r'3-D tensor.*\(6, 2\)'):
        loss(torch.zeros(6, 2), torch.zeros(6, 2))
    with pytest.raises(ValueError, match='pred holds 1 non-finite'):
        loss(torch.tensor([[[float('nan'), 0.]]]), torch.zeros(1, 1, 2))
    target = torch.zeros(4, 3, 2)
    target[2, 1, 0] = target[3, 0, 1] = float('inf')
    with pytest.raises(ValueError, match=r'target holds 2 non-finite value\(s\) \(NaN or Inf\) '
                                         r'in batch sample\(s\) \[2, 3\]; shape \(4, 3, 2\)'):
        loss(torch.zeros(4, 3, 2), target)
    with pytest.raises(ValueError, match=r'target_weight must have shape \(2, 3\)'):
        loss(torch.zeros(2, 3, 2), torch.zeros(2, 3, 2), torch.ones(3, 2))


# ---------------------------------------------------------------------------- Adaptive Wing
def paper_awing(y, y_hat, alpha=2.1, omega=14., eps=1., theta=0.5):
    """The paper's formula, written out for scalars."""
    delta = abs(y - y_hat)
    a = omega * (1 / (1 + (theta / eps)**(alpha - y))) * (alpha - y) * (
        (theta / eps)**(alpha - y - 1)) * (1 / eps)
    c = theta * a - omega * math.log(1 + (theta / eps)**(alpha - y))
    if delta < theta:
        return omega * math.log(1 + abs(delta / eps)**(alpha - y))
    return a * delta - c


@pytest.mark.parametrize('y, y_hat', [(0.5, 0.3), (1., 0.8), (0., 0.1), (0., 0.9), (1., 0.1),
                                      (0.2, -0.6)])
def test_adaptive_wing_closed_form(y, y_hat):
    value = adaptive_wing(torch.tensor(y_hat, dtype=torch.float64),
                          torch.tensor(y, dtype=torch.float64))
    assert value.item() == pytest.approx(paper_awing(y, y_hat), rel=1e-10)


@pytest.mark.parametrize('y', [0., 0.3, 1.])
def test_adaptive_wing_continuous_at_theta(y):
    t = torch.tensor(y, dtype=torch.float64)
    below = adaptive_wing(t - 0.5 + 1e-10, t)
    at = adaptive_wing(t - 0.5, t)
    assert below.item() == pytest.approx(at.item(), abs=1e-7)


def test_weighted_loss_map_is_dilated_threshold():
    target = torch.zeros(1, 2, 7, 7)
    target[0, 0, 3, 3] = 1.
    target[0, 1, 0, 0] = 0.19  # below the threshold: no foreground
    weight = weighted_loss_map(target)
    expected = torch.ones(1, 2, 7, 7)
    expected[0, 0, 2:5, 2:5] = 11.
    assert torch.equal(weight, expected)


def test_weighted_loss_map_equals_max_pool_dilation():
    """The paper's grey dilation with a 3x3 window is a 3x3 max-pool with stride 1."""
    g = torch.Generator().manual_seed(0)
    target = torch.rand(3, 5, 17, 23, generator=g)**4
    foreground = (target >= 0.2).float()
    dilated = torch.nn.functional.max_pool2d(foreground, 3, stride=1, padding=1)
    assert torch.equal(weighted_loss_map(target), 10 * dilated + 1)


def test_adaptive_wing_matches_mmpose_without_map():
    torch.manual_seed(0)
    pred, target = torch.rand(2, 5, 16, 16), torch.rand(2, 5, 16, 16)
    ours = AdaptiveWingLoss(use_weight_map=False)(pred, target)
    theirs = MMPoseAdaptiveWingLoss()(pred, target)
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-5)


def test_adaptive_wing_weight_map_and_keypoint_weights():
    torch.manual_seed(0)
    pred, target = torch.rand(2, 3, 8, 8, dtype=torch.float64), \
        torch.rand(2, 3, 8, 8, dtype=torch.float64)
    weights = torch.tensor([[1., 0., 1.], [1., 1., 0.]], dtype=torch.float64)
    loss = AdaptiveWingLoss()(pred, target, weights)
    per_pixel = adaptive_wing(pred, target) * weighted_loss_map(target)
    mask = weights[:, :, None, None].expand_as(per_pixel)
    assert loss.item() == pytest.approx((per_pixel[mask > 0]).mean().item(), rel=1e-12)


@pytest.mark.parametrize('epsilon, use_weight_map', [(1., True), (2., False), (0.5, True)])
def test_adaptive_wing_gradcheck(epsilon, use_weight_map):
    torch.manual_seed(0)
    target = torch.rand(1, 2, 5, 5, dtype=torch.float64)
    pred = (target + (torch.rand_like(target) - 0.5) * 1.6).requires_grad_()
    weights = torch.tensor([[1., 0.3]], dtype=torch.float64)
    loss = AdaptiveWingLoss(epsilon=epsilon, use_weight_map=use_weight_map)
    assert torch.autograd.gradcheck(lambda p: loss(p, target, weights), (pred, ))
    # the fused value equals the reference formula
    reference = adaptive_wing(pred, target, epsilon=epsilon)
    if use_weight_map:
        reference = reference * weighted_loss_map(target)
    expected = (reference * weights[..., None, None]).sum() / (weights.sum() * 25)
    assert loss(pred, target, weights).item() == pytest.approx(expected.item(), rel=1e-12)


def test_adaptive_wing_bad_input():
    with pytest.raises(ValueError, match=r'4-D tensor.*\(2, 3, 8\)'):
        AdaptiveWingLoss()(torch.zeros(2, 3, 8), torch.zeros(2, 3, 8))
    with pytest.raises(ValueError, match='theta must be'):
        AdaptiveWingLoss(theta=-0.5)
    with pytest.raises(ValueError, match='output holds'):
        AdaptiveWingLoss(check_finite=True)(torch.full((1, 1, 4, 4), float('inf')),
                                            torch.zeros(1, 1, 4, 4))


# ------------------------------------------------------------------------------------ STAR
def random_heatmaps(n=3, k=7, h=16, w=20, dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    heatmaps = torch.rand(n, k, h, w, generator=g, dtype=dtype)**6
    target = torch.rand(n, k, 2, generator=g, dtype=dtype) * 2 - 1
    return heatmaps, target


def test_star_matches_reference():
    for seed in range(3):
        heatmaps, target = random_heatmaps(seed=seed)
        ours = STARLoss()(heatmaps, target)
        reference = star_loss_reference(heatmaps, target)
        assert ours.item() == pytest.approx(reference.item(), rel=1e-6)


def test_star_matches_reference_on_peaked_heatmaps():
    h = w = 32
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64),
                            torch.arange(w, dtype=torch.float64), indexing='ij')
    heatmaps = torch.exp(-(((xx - 10) / 2.)**2 + ((yy - 20) / 5.)**2 + 0.3 * (xx - 10) *
                           (yy - 20) / 4.)).expand(2, 3, h, w).contiguous()
    target = torch.tensor([0.1, -0.3], dtype=torch.float64).expand(2, 3, 2)
    assert STARLoss()(heatmaps, target).item() == pytest.approx(
        star_loss_reference(heatmaps, target).item(), rel=1e-6)


@pytest.mark.parametrize('dist', ['smooth_l1', 'l1', 'mse', 'wing'])
def test_star_gradcheck(dist):
    heatmaps, target = random_heatmaps(n=1, k=2, h=6, w=5)
    heatmaps.requires_grad_()
    weight = torch.tensor([[1., 0.5]], dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda hm: STARLoss(dist=dist)(hm, target, weight), (heatmaps, ))


@pytest.mark.parametrize('name', ['flat', 'zeros', 'one_hot', 'negative', 'tiny'])
def test_star_degenerate_heatmaps_are_finite(name):
    shape = (2, 3, 8, 8)
    heatmaps = {
        'flat': torch.ones(shape),
        'zeros': torch.zeros(shape),
        'one_hot': torch.zeros(shape),
        'negative': -torch.rand(shape, generator=torch.Generator().manual_seed(0)),
        'tiny': torch.full(shape, 1e-12),
    }[name]
    if name == 'one_hot':
        heatmaps[..., 3, 4] = 1.
    heatmaps.requires_grad_()
    loss = STARLoss()(heatmaps, torch.zeros(2, 3, 2))
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(heatmaps.grad).all()


def test_star_zero_weight_removes_landmark():
    heatmaps, target = random_heatmaps()
    weight = torch.ones(3, 7, dtype=torch.float64)
    weight[:, 2] = 0
    keep = [0, 1, 3, 4, 5, 6]
    assert STARLoss()(heatmaps, target, weight).item() == pytest.approx(
        STARLoss()(heatmaps[:, keep], target[:, keep]).item(), rel=1e-12)


def test_star_bad_input():
    with pytest.raises(ValueError, match=r'target must have shape \(N, K, 2\) = \(2, 3, 2\)'):
        STARLoss()(torch.rand(2, 3, 8, 8), torch.rand(2, 4, 2))
    with pytest.raises(ValueError, match='dist must be one of'):
        STARLoss(dist='huber')
    # the official code's names are pointed to wingpose's (one meaning of smooth L1 and L2)
    with pytest.raises(ValueError, match="official code's name: wingpose calls it 'mse'"):
        STARLoss(dist='l2')
    with pytest.raises(ValueError, match="calls it 'smooth_l1'"):
        STARLoss(dist='smoothl1')
    with pytest.raises(ValueError, match='eigenvalue_weight must be a number >= 0'):
        STARLoss(eigenvalue_weight=-1)
    with pytest.raises(ValueError, match='eigenvalue_range'):
        STARLoss(eigenvalue_range=(1., 0.5))
    with pytest.raises(ValueError, match='heatmaps holds'):
        STARLoss(check_finite=True)(torch.full((1, 1, 4, 4), float('nan')),
                                    torch.zeros(1, 1, 2))


def test_wing_loss_takes_mmposes_omega_and_its_former_name_w():
    """``omega`` as MMPose's WingLoss and AWing configs name it; ``w`` still works, warned."""
    from mmengine.registry import DefaultScope

    from wingpose.registry import MODELS
    pred, target = torch.rand(2, 5, 2) * 30, torch.rand(2, 5, 2) * 30
    with DefaultScope.overwrite_default_scope('wingpose'):
        built = MODELS.build(dict(type='WingLoss', omega=10, epsilon=2))
    assert isinstance(built, WingLoss) and built.omega == 10.
    reference = MMPoseWingLoss(omega=5., epsilon=1.)(pred, target) / target.numel() * 2
    assert WingLoss(omega=5., epsilon=1., use_target_weight=False)(pred, target) == \
        pytest.approx(float(reference), rel=1e-6)
    with pytest.warns(DeprecationWarning, match="'w' is deprecated; use 'omega'"):
        old = WingLoss(w=5., epsilon=1., use_target_weight=False)
    assert torch.equal(old(pred, target), WingLoss(omega=5., epsilon=1.,
                                                   use_target_weight=False)(pred, target))
    with pytest.raises(ValueError, match='give omega or its former name w, not both'):
        WingLoss(omega=5., w=5.)
