import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData
from mmpose.structures import PoseDataSample

from wingpose.codecs import SoftArgmaxHeatmap
from wingpose.models.heads import STARHeatmapHead
from wingpose.models.losses import AdaptiveWingLoss, STARLoss


def test_codec_encodes_labels_and_decodes_by_soft_argmax():
    codec = SoftArgmaxHeatmap(input_size=(128, 128), heatmap_size=(32, 32), sigma=1.5)
    keypoints = np.array([[[40.3, 70.9], [90.0, 20.5]]], dtype=np.float32)
    encoded = codec.encode(keypoints, np.ones((1, 2)))
    assert encoded['heatmaps'].shape == (2, 32, 32)
    # labels in the [-1, 1] frame of the heatmap's pixel centres: heatmap pixel j is input
    # pixel 4 j
    assert np.allclose(encoded['keypoint_labels'], keypoints / 4 / 31 * 2 - 1)
    decoded, scores = codec.decode(encoded['heatmaps'])
    # MSRAHeatmap centres each Gaussian on the rounded heatmap pixel; soft-argmax finds it
    centres = np.floor(keypoints / 4 + 0.5) * 4
    assert np.abs(decoded - centres).max() < 0.05
    assert scores.shape == (1, 2) and (scores > 0.8).all()


def test_codec_in_the_official_star_frame():
    """STAR's frame: labels (2 p + 1) / W - 1, clipped, and decoding ((u + 1) W - 1) / 2."""
    codec = SoftArgmaxHeatmap(input_size=(256, 256), heatmap_size=(64, 64), sigma=1.5,
                              render_at_input=True, align_corners=False, clip_to_input=True)
    keypoints = np.array([[[127.5, 127.5], [40.25, 200.], [-3., 300.]]], dtype=np.float32)
    encoded = codec.encode(keypoints, np.ones((1, 3)))
    labels = encoded['keypoint_labels'][0]
    assert labels[0] == pytest.approx([0., 0.])
    assert labels[1] == pytest.approx([(2 * 40.25 + 1) / 256 - 1, (2 * 200 + 1) / 256 - 1])
    assert labels[2].tolist() == [-1., 1.]  # clipped
    # outside the crop: drawn on its border and still supervised
    assert encoded['keypoint_weights'][0].tolist() == [1., 1., 1.]
    assert encoded['heatmaps'][2].max() > 0.3
    row, col = np.unravel_index(encoded['heatmaps'][2].argmax(), (64, 64))
    assert col == 0 and row == 63
    # a heatmap at the grid point u decodes to ((u + 1) 256 - 1) / 2
    one_hot = np.zeros((1, 64, 64), np.float32)
    one_hot[0, 10, 50] = 1
    u = np.array([50, 10]) / 63 * 2 - 1
    assert codec.decode(one_hot)[0][0, 0] == pytest.approx(((u + 1) * 256 - 1) / 2, abs=1e-4)
    # MMPose's default: an outside keypoint is not drawn and not supervised
    plain = SoftArgmaxHeatmap(input_size=(256, 256), heatmap_size=(64, 64), sigma=1.5,
                              render_at_input=True, align_corners=False)
    assert plain.encode(keypoints, np.ones((1, 3)))['keypoint_weights'][0, 2] == 0


def star_samples(codec, num_keypoints: int, num_samples: int = 2):
    rng = np.random.default_rng(0)
    samples = []
    for _ in range(num_samples):
        keypoints = rng.uniform(8, 56, (1, num_keypoints, 2)).astype(np.float32)
        encoded = codec.encode(keypoints, np.ones((1, num_keypoints)))
        sample = PoseDataSample()
        sample.gt_fields = PixelData(heatmaps=torch.from_numpy(encoded['heatmaps']))
        sample.gt_instance_labels = InstanceData(
            keypoint_labels=torch.from_numpy(encoded['keypoint_labels']),
            keypoint_weights=torch.from_numpy(encoded['keypoint_weights']).float())
        samples.append(sample)
    return samples


def test_star_head_gates_star_distributions_by_awing_point_maps():
    init_default_scope('wingpose')
    codec = dict(type='SoftArgmaxHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=1.)
    head = STARHeatmapHead(in_channels=8, out_channels=3, deconv_out_channels=None,
                           loss=dict(type='AdaptiveWingLoss', loss_weight=10.),
                           star_loss=dict(type='STARLoss'), decoder=codec)
    samples = star_samples(SoftArgmaxHeatmap(**{k: v for k, v in codec.items() if k != 'type'}), 3)
    feats = (torch.rand(2, 8, 16, 16, requires_grad=True), )
    # the official model: D = ReLU(InstanceNorm(conv x)), P = sigmoid(conv x), heatmaps D * P
    points = torch.sigmoid(head.final_layer(feats[0]))
    distributions = torch.relu(torch.nn.functional.instance_norm(head.distribution_layer(feats[0])))
    heatmaps = head.forward(feats)
    assert torch.allclose(heatmaps, distributions * points, atol=1e-6)
    assert (heatmaps >= 0).all() and (points <= 1).all()
    # instance normalisation: each distribution map keeps the positive half of a unit-variance map
    assert ((distributions > 0).float().mean((2, 3)) - 0.5).abs().max() < 0.2

    losses = head.loss(feats, samples)
    assert set(losses) == {'loss_kpt', 'loss_star'}
    gt = torch.stack([s.gt_fields.heatmaps for s in samples])
    weights = torch.cat([s.gt_instance_labels.keypoint_weights for s in samples])
    labels = torch.cat([s.gt_instance_labels.keypoint_labels for s in samples])
    grid = labels  # the codec's labels are in the heatmap's [-1, 1] frame
    assert losses['loss_kpt'].item() == pytest.approx(
        AdaptiveWingLoss(loss_weight=10.)(points, gt, weights).item(), rel=1e-5)
    assert losses['loss_star'].item() == pytest.approx(
        STARLoss()(heatmaps, grid, weights).item(), rel=1e-5)
    sum(losses.values()).backward()
    assert torch.isfinite(feats[0].grad).all()
    assert head.distribution_layer.weight.grad.abs().sum() > 0


def test_star_head_boundaries_are_trained_but_gate_nothing():
    init_default_scope('wingpose')
    head = STARHeatmapHead(in_channels=4, out_channels=2, num_boundaries=3,
                           deconv_out_channels=None)
    feats = (torch.rand(1, 4, 8, 8), )
    assert head.forward_all(feats).shape == (1, 5, 8, 8)
    assert head.forward(feats).shape == (1, 2, 8, 8)
    with pytest.raises(ValueError, match='convolutional final_layer'):
        STARHeatmapHead(in_channels=4, out_channels=2, deconv_out_channels=None,
                        final_layer=None)


def test_star_head_explains_missing_labels():
    init_default_scope('wingpose')
    head = STARHeatmapHead(in_channels=4, out_channels=2, deconv_out_channels=None)
    sample = PoseDataSample()
    sample.gt_fields = PixelData(heatmaps=torch.zeros(2, 8, 8))
    sample.gt_instance_labels = InstanceData(keypoint_weights=torch.ones(1, 2))
    with pytest.raises(ValueError, match='SoftArgmaxHeatmap'):
        head.loss((torch.rand(1, 4, 8, 8), ), [sample])


def test_boundary_heatmaps_and_head():
    from wingpose.datasets.transforms import GenerateBoundaryHeatmaps
    from wingpose.structures import face_layout
    from wingpose.datasets.transforms import boundary_distance_maps
    from wingpose.models.heads import BoundaryHeatmapHead
    # distance map of a horizontal segment: exp(-d^2 / 2) within 3 pixels, 0 beyond
    maps = boundary_distance_maps([np.array([[2., 5.], [12., 5.]])], (16, 12))
    assert maps.shape == (1, 12, 16)
    assert maps[0, 5, 2:13].min() == pytest.approx(1.)
    assert maps[0, 7, 8] == pytest.approx(np.exp(-2.))
    assert maps[0, 8, 8] == 0. and maps[0, 5, 15] == 0.  # 3 pixels away: cut
    rng = np.random.default_rng(0)
    results = dict(heatmaps=np.zeros((68, 16, 16), np.float32), input_size=(64, 64),
                   keypoint_weights=np.ones((1, 68), np.float32),
                   transformed_keypoints=rng.uniform(8, 56, (1, 68, 2)),
                   keypoints_visible=np.ones((1, 68)))
    results['keypoints_visible'][0, 40] = 0  # an eyelid point
    out = GenerateBoundaryHeatmaps()(results)
    assert out['heatmaps'].shape == (68 + 13, 16, 16)
    assert out['keypoint_weights'].shape == (1, 81)
    hidden = [i for i, chain in enumerate(face_layout('300w').awing_boundaries) if 40 in chain]
    assert out['keypoint_weights'][0, 68 + hidden[0]] == 0 and out['keypoint_weights'].sum() == 80
    init_default_scope('wingpose')
    head = BoundaryHeatmapHead(in_channels=4, out_channels=68, num_boundaries=13,
                               deconv_out_channels=None, loss=dict(type='AdaptiveWingLoss'))
    feats = (torch.rand(1, 4, 16, 16), )
    assert head.forward(feats).shape == (1, 68, 16, 16)
    assert head.forward_all(feats).shape == (1, 81, 16, 16)
    sample = PoseDataSample()
    sample.gt_fields = PixelData(heatmaps=torch.from_numpy(out['heatmaps']))
    sample.gt_instance_labels = InstanceData(
        keypoint_weights=torch.from_numpy(out['keypoint_weights']))
    assert torch.isfinite(head.loss(feats, [sample])['loss_kpt'])
    sample.gt_fields = PixelData(heatmaps=torch.zeros(68, 16, 16))
    with pytest.raises(ValueError, match='68 landmark \\+ 13 boundary target heatmaps'):
        head.loss(feats, [sample])


def test_coord_conv_neck():
    from wingpose.models.necks import CoordConvNeck, coordinate_channels
    x = torch.zeros(1, 3, 4, 5)
    coords = coordinate_channels(x, with_r=True)
    assert coords.shape == (1, 3, 4, 5)
    assert coords[0, 0, 0].tolist() == pytest.approx([-1, -0.5, 0, 0.5, 1])
    assert coords[0, 1, :, 0].tolist() == pytest.approx([-1, -1 / 3, 1 / 3, 1])
    init_default_scope('wingpose')
    neck = CoordConvNeck(in_channels=6, out_channels=8, with_r=True,
                         pre=dict(type='FeatureMapProcessor', concat=True))
    out = neck((torch.rand(2, 2, 8, 8), torch.rand(2, 4, 4, 4)))
    assert out[-1].shape == (2, 8, 8, 8)
    assert neck.conv.weight.shape[1] == 6 + 3
