"""The AWing and STAR stacked hourglasses, their CoordConv and the head that supervises every
stack."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData
from mmpose.structures import PoseDataSample

from wingpose.models.backbones import AWingHourglassNet, STARHourglassNet
from wingpose.models.backbones.stacked_hourglass import edge_incidence
from wingpose.models.heads import StackedHeatmapHead
from wingpose.models.losses import AdaptiveWingLoss, STARLoss
from wingpose.models.necks import CoordConv2d
from wingpose.structures import STAR_EDGES

# Parameters of the official networks, counted with sum(p.numel() for p in net.parameters())
# on ZhenglinZhou/STAR `StackedHGNetV1(use_AAM=True, add_coord=True)` and
# protossw512/AdaptiveWingLoss `FAN(4, num_landmarks=K)`
# (tools/analysis/compare_official_networks.py prints them).
# STAR's ResBlock builds a 1x1 skip conv even where its forward never uses it (in == out):
# 3,700,864 such parameters are in the official count and not in wingpose's.
OFFICIAL_STAR_PARAMETERS = {98: 17_177_332, 68: 17_069_572, 29: 16_925_892}
STAR_UNUSED_SKIP_PARAMETERS = 3_700_864
OFFICIAL_AWING_PARAMETERS = {98: 24_153_036, 68: 24_099_156, 29: 24_029_112}
LAYOUTS = {98: ('wflw', 9), 68: ('300w', 9), 29: ('cofw', 7)}


def count(net):
    return sum(p.numel() for p in net.parameters())


@pytest.mark.parametrize('num_keypoints', [98, 68, 29])
def test_networks_match_the_official_parameter_counts_and_output_shapes(num_keypoints):
    torch.manual_seed(0)
    layout, num_edges = LAYOUTS[num_keypoints]
    star = STARHourglassNet(num_keypoints)
    assert star.num_edges == num_edges
    assert count(star) == OFFICIAL_STAR_PARAMETERS[num_keypoints] - STAR_UNUSED_SKIP_PARAMETERS
    awing = AWingHourglassNet(num_keypoints)
    assert count(awing) == OFFICIAL_AWING_PARAMETERS[num_keypoints]
    x = torch.rand(2, 3, 256, 256)
    with torch.no_grad():
        star_out, awing_out = star(x), awing(x)
    assert [o.shape for o in star_out] == [(2, 2 * num_keypoints + num_edges, 64, 64)] * 4
    assert [o.shape for o in awing_out] == [(2, num_keypoints + 1, 64, 64)] * 4
    heatmaps, points, edges = (star_out[-1][:, :num_keypoints],
                               star_out[-1][:, num_keypoints:2 * num_keypoints],
                               star_out[-1][:, 2 * num_keypoints:])
    assert heatmaps.min() >= 0 and 0 <= points.min() and points.max() <= 1
    assert 0 <= edges.min() and edges.max() <= 1


def test_star_gate_is_distribution_times_points_times_incident_edges():
    torch.manual_seed(0)
    net = STARHourglassNet(29, num_stacks=2, depth=1, channels=16)
    feature = torch.randn(1, 16, 8, 8)
    output, groups, mask = net.predict(1, feature)
    distributions, points, edges = groups
    matrix, bias = edge_incidence(STAR_EDGES['cofw'], 29)
    gate = torch.einsum('ke,nehw->nkhw', matrix, edges) + bias[:, None, None]
    assert torch.allclose(output[:, :29], distributions * points * gate, atol=1e-6)
    assert torch.equal(mask, distributions[:, -1:])  # the official code's CoordConv mask
    # landmarks on no edge (COFW: pupils 16/17 and the chin 28) get the constant 1
    assert torch.nonzero(bias).flatten().tolist() == [16, 17, 28]
    assert matrix.sum(0).tolist() == [len(ix) for _, ix in STAR_EDGES['cofw']]
    with pytest.raises(ValueError, match='edge 4 lists landmark 21 but the layout has 20'):
        edge_incidence(STAR_EDGES['cofw'], 20)
    with pytest.raises(ValueError, match='no STAR edges for 19 landmarks'):
        STARHourglassNet(19)


def test_boundary_coord_conv_masks_the_coordinates():
    conv = CoordConv2d(1, 2, 1, with_r=True, with_boundary=True, bias=False)
    assert conv.weight.shape == (2, 1 + 2 + 1 + 2, 1, 1)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 4] = 1  # masked x
        conv.weight[1, 3] = 1  # r, scaled to [0, 1]
    boundary = torch.zeros(1, 1, 5, 5)
    boundary[..., 1, 3] = 0.06
    boundary[..., 2, 2] = 0.05  # not above the threshold
    out = conv(torch.zeros(1, 1, 5, 5), boundary).detach()
    expected = torch.zeros(5, 5)
    expected[1, 3] = 0.5  # x of column 3 of 5 in [-1, 1]
    assert torch.allclose(out[0, 0], expected)
    assert out[0, 1].max() == pytest.approx(1.) and out[0, 1, 2, 2] == 0
    with pytest.raises(ValueError, match='with_boundary=True\\) got no boundary map'):
        conv(torch.zeros(1, 1, 5, 5))
    with pytest.raises(ValueError, match='with_boundary=False\\) got a boundary map'):
        CoordConv2d(1, 2)(torch.zeros(1, 1, 5, 5), boundary)


def samples_for(targets, weights, labels=None):
    out = []
    for i in range(len(targets)):
        sample = PoseDataSample()
        sample.gt_fields = PixelData(heatmaps=targets[i])
        fields = dict(keypoint_weights=weights[i:i + 1])
        if labels is not None:
            fields['keypoint_labels'] = labels[i:i + 1]
        sample.gt_instance_labels = InstanceData(**fields)
        out.append(sample)
    return out


def test_star_head_losses_per_stack_with_the_official_weights():
    init_default_scope('wingpose')
    torch.manual_seed(0)
    k, e, n = 5, 2, 2
    head = StackedHeatmapHead(
        out_channels=k, num_boundaries=e, stack_weights=(0.125, 0.25, 0.5, 1.),
        loss=dict(type='AdaptiveWingLoss', use_weight_map=True, loss_weight=10.),
        boundary_loss=dict(type='AdaptiveWingLoss', use_weight_map=True, loss_weight=10.),
        star_loss=dict(type='STARLoss', loss_weight=1.))
    stacks = tuple(torch.rand(n, 2 * k + e, 16, 16) for _ in range(4))
    targets, weights = torch.rand(n, k + e, 16, 16), torch.ones(n, k + e)
    labels = torch.rand(n, k, 2) * 2 - 1  # the codec's labels: the heatmap's [-1, 1] frame
    losses = head.loss(stacks, samples_for(targets, weights, labels))
    assert sorted(losses) == sorted(f'loss_{t}_{s}' for t in ('kpt', 'boundary', 'star')
                                    for s in range(4))
    awing, star = AdaptiveWingLoss(use_weight_map=True), STARLoss()
    coords = labels
    for s, weight in enumerate((0.125, 0.25, 0.5, 1.)):
        maps = stacks[s]
        assert losses[f'loss_star_{s}'] == pytest.approx(
            weight * star(maps[:, :k], coords, weights[:, :k]).item(), rel=1e-5)
        assert losses[f'loss_kpt_{s}'] == pytest.approx(
            weight * 10 * awing(maps[:, k:2 * k], targets[:, :k], weights[:, :k]).item(),
            rel=1e-5)
        assert losses[f'loss_boundary_{s}'] == pytest.approx(
            weight * 10 * awing(maps[:, 2 * k:], targets[:, k:], weights[:, k:]).item(),
            rel=1e-5)
    assert torch.equal(head.forward(stacks), stacks[-1][:, :k])


def test_awing_head_layout_and_errors():
    init_default_scope('wingpose')
    k = 4
    head = StackedHeatmapHead(out_channels=k, num_boundaries=1, stack_weights=(1., 1.),
                              loss=dict(type='AdaptiveWingLoss', use_weight_map=True))
    stacks = (torch.rand(1, k + 1, 8, 8), torch.rand(1, k + 1, 8, 8))
    targets, weights = torch.rand(1, k + 1, 8, 8), torch.ones(1, k + 1)
    losses = head.loss(stacks, samples_for(targets, weights))
    assert sorted(losses) == ['loss_kpt_0', 'loss_kpt_1']
    awing = AdaptiveWingLoss(use_weight_map=True)
    assert losses['loss_kpt_1'] == pytest.approx(awing(stacks[1], targets, weights).item())
    with pytest.raises(ValueError, match='has 2 stack_weights but the backbone returned 1'):
        head.loss(stacks[:1], samples_for(targets, weights))
    with pytest.raises(ValueError, match='expects 5 channels per stack'):
        head.loss((torch.rand(1, 7, 8, 8), ) * 2, samples_for(targets, weights))
    with pytest.raises(ValueError, match='4 landmark \\+ 1 boundary target heatmaps'):
        head.loss(stacks, samples_for(targets[:, :k], weights[:, :k]))
    star_head = StackedHeatmapHead(out_channels=k, num_boundaries=1, stack_weights=(1., ),
                                   loss=dict(type='AdaptiveWingLoss'),
                                   star_loss=dict(type='STARLoss'))
    with pytest.raises(ValueError, match='needs keypoint_labels for STAR'):
        star_head.loss((torch.rand(1, 2 * k + 1, 8, 8), ), samples_for(targets, weights))


def test_stacked_hourglass_trains_and_its_gradients_reach_the_stem():
    """Intermediate supervision: the first stack's loss alone reaches the stem."""
    init_default_scope('wingpose')
    torch.manual_seed(0)
    net = STARHourglassNet(29, num_stacks=2, depth=2, channels=16)
    out = net(torch.rand(2, 3, 32, 32))
    out[0].sum().backward()
    assert net.stem[0].weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in net.out_points[1].parameters())


def test_star_layout_trained_without_star():
    """STAR's network with AWing on its gated heatmaps instead of STAR (the study's baseline)."""
    init_default_scope('wingpose')
    torch.manual_seed(0)
    k, e = 3, 2
    head = StackedHeatmapHead(out_channels=k, num_boundaries=e, stack_weights=(0.5, 1.),
                              loss=dict(type='AdaptiveWingLoss'),
                              heatmap_loss=dict(type='AdaptiveWingLoss', use_weight_map=True))
    stacks = tuple(torch.rand(1, 2 * k + e, 8, 8) for _ in range(2))
    targets, weights = torch.rand(1, k + e, 8, 8), torch.ones(1, k + e)
    losses = head.loss(stacks, samples_for(targets, weights))  # no keypoint_labels needed
    assert sorted(losses) == ['loss_heatmap_0', 'loss_heatmap_1', 'loss_kpt_0', 'loss_kpt_1']
    awing, mapped = AdaptiveWingLoss(), AdaptiveWingLoss(use_weight_map=True)
    assert losses['loss_heatmap_0'] == pytest.approx(
        0.5 * mapped(stacks[0][:, :k], targets[:, :k], weights[:, :k]).item())
    assert losses['loss_kpt_1'] == pytest.approx(
        awing(stacks[1][:, k:], targets, weights).item())


def test_stacked_head_layout_is_explicit_and_checked():
    """``layout`` names the backbone's channels; the losses must train what it holds."""
    awing = dict(type='AdaptiveWingLoss', use_weight_map=True)
    star = dict(type='STARLoss')
    options = dict(out_channels=4, num_boundaries=1, stack_weights=(1., ), loss=awing)
    assert StackedHeatmapHead(**options).layout == 'awing'
    assert StackedHeatmapHead(**options, star_loss=star).layout == 'star'
    assert StackedHeatmapHead(**options, heatmap_loss=awing, layout='star').layout == 'star'
    for layout, losses in (('awing', dict(star_loss=star)), ('star', {}),
                           ('awing', dict(heatmap_loss=awing))):
        with pytest.raises(ValueError, match=f"got '{layout}'"):
            StackedHeatmapHead(**options, layout=layout, **losses)
    with pytest.raises(ValueError, match="layout must be 'star' or 'awing', got 'hrnet'"):
        StackedHeatmapHead(**options, layout='hrnet')
