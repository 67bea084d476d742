"""STAR's point and edge targets, AWing's boundary map, and STAR's augmentations."""
import numpy as np
import pytest
from mmpose.datasets.transforms import TopdownAffine

from wingpose.codecs import AWingHeatmap, SoftArgmaxHeatmap
from wingpose.datasets.transforms import (AlignCornersTopdownAffine, GenerateBoundaryHeatmaps,
                                          GenerateEdgeMaps, RandomBlur, RandomGamma,
                                          RandomNoiseBlend, RandomNormalBBoxTransform,
                                          RandomOcclusion, boundary_curve, star_edge_maps)
from wingpose.structures import FACE_LAYOUTS, STAR_EDGES


def landmarks_in_near_and_outside(rng, size, reach, near):
    """(1, 100, 2) keypoints: 60 anywhere within ``reach`` of the input of ``size`` (w, h),
    20 within ``near`` of its top-left corner and 20 of its bottom-right one; (1, 100)
    visibility, 90 % visible."""
    keypoints = np.concatenate([rng.uniform(-reach, size.max() + reach, (1, 60, 2)),
                                rng.uniform(-near, near, (1, 20, 2)),
                                rng.uniform(size - near, size + near, (1, 20, 2))], axis=1)
    return keypoints, (rng.uniform(size=(1, 100)) > 0.1).astype(np.float32)


def test_star_point_targets_are_drawn_at_the_input_and_downsampled():
    codec = SoftArgmaxHeatmap((256, 256), (64, 64), sigma=1.5, render_at_input=True)
    encoded = codec.encode(np.array([[[102., 62.]]]))
    heatmap = encoded['heatmaps'][0]
    # bilinear x1/4 without corner alignment averages input pixels 4d+1 and 4d+2 per axis:
    # heatmap pixel (row 15, col 25) <- input rows 61, 62 and columns 101, 102
    near = (np.exp(-1 / (2 * 1.5**2)) + 1) / 2
    assert heatmap[15, 25] == pytest.approx(near * near, rel=1e-5)
    assert np.unravel_index(heatmap.argmax(), heatmap.shape) == (15, 25)
    assert encoded['keypoint_labels'][0, 0] == pytest.approx([102 / 4 / 63 * 2 - 1,
                                                             62 / 4 / 63 * 2 - 1])
    plain = SoftArgmaxHeatmap((256, 256), (64, 64), sigma=1.5).encode(np.array([[[102., 62.]]]))
    assert plain['heatmaps'][0, 16, 26] == pytest.approx(1.)  # sigma in heatmap pixels


@pytest.mark.parametrize('input_size, heatmap_size, sigma', [
    ((256, 256), (64, 64), 1.5), ((128, 128), (32, 32), 1.5), ((256, 192), (64, 48), 2.),
    ((64, 64), (16, 16), 1.)])
def test_star_point_targets_equal_drawing_at_the_input_and_downsampling(
        input_size, heatmap_size, sigma):
    """The targets are computed where they are non-zero; drawing MMPose's Gaussians at the
    input and downsampling them bilinearly gives the same maps and weights."""
    import torch
    import torch.nn.functional as F
    from mmpose.codecs import MSRAHeatmap
    rng = np.random.default_rng(0)
    codec = SoftArgmaxHeatmap(input_size, heatmap_size, sigma, render_at_input=True)
    size = np.array(input_size)
    for _ in range(5):  # inside, near the borders and outside the input
        keypoints, visible = landmarks_in_near_and_outside(rng, size, 20, 6)
        encoded = codec.encode(keypoints.astype(np.float32), visible)
        drawn = MSRAHeatmap(input_size, input_size, sigma).encode(
            keypoints.astype(np.float32), visible)
        w, h = heatmap_size
        expected = F.interpolate(torch.from_numpy(drawn['heatmaps'])[None], size=(h, w),
                                 mode='bilinear', align_corners=False)[0].numpy()
        assert np.abs(encoded['heatmaps'] - expected).max() < 1e-6
        assert np.array_equal(encoded['keypoint_weights'], drawn['keypoint_weights'])


def test_star_edge_maps_follow_the_curve():
    # an open edge of four points on the line y = 102 (input pixels)
    points = np.array([[40., 102.], [90., 102.], [140., 102.], [190., 102.]])
    maps = star_edge_maps(points, [(False, (0, 1, 2, 3))], (256, 256), (64, 64))
    assert maps.shape == (1, 64, 64) and maps.min() >= 0 and maps.max() <= 1
    # bilinear x1/4 without antialiasing reads input rows 4d + 1 and 4d + 2: row 25 <- 101, 102
    assert np.nonzero(maps[0].max(axis=1) > 0.05)[0].tolist() == [25]
    columns = np.nonzero(maps[0].max(axis=0) > 0.05)[0]
    assert columns.min() == 10 and columns.max() == 47  # x 40..190 -> (x - 1.5) / 4
    # ... so a one-pixel line between those rows vanishes, as in STAR's encoder
    shifted = star_edge_maps(points - [0, 2], [(False, (0, 1, 2, 3))], (256, 256), (64, 64))
    assert shifted.max() == 0
    # a closed edge is a loop with an empty inside
    square = np.array([[62., 62.], [190., 62.], [190., 190.], [62., 190.]])
    loop = star_edge_maps(square, [(True, (0, 1, 2, 3))], (256, 256), (64, 64))[0]
    assert loop[32, 32] == 0 and loop.max() > 0.2


def test_star_edge_maps_equal_drawing_on_the_whole_supersampled_canvas():
    """Each curve drawn on a canvas around it gives the maps of STAR's whole 4x canvas."""
    import cv2
    import torch
    import torch.nn.functional as F
    from wingpose.datasets.transforms.boundary_heatmaps import star_edge_curve

    def whole_canvas(points, edges):
        maps = []
        for closed, indices in edges:
            curve = np.clip(star_edge_curve(points[list(indices)], closed), 0, 255)
            canvas = np.zeros((1024, 1024), np.float32)
            cv2.polylines(canvas, [(curve * 4 + 0.5).astype(np.int32)], closed, 255, 4,
                          cv2.LINE_AA)
            maps.append(cv2.resize(canvas, (256, 256), interpolation=cv2.INTER_AREA))
        maps = torch.from_numpy(np.stack(maps) / 255.).float()[None]
        return F.interpolate(maps, size=(64, 64), mode='bilinear', align_corners=False)[0]

    rng = np.random.default_rng(0)
    for layout, k in (('wflw', 98), ('300w', 68), ('cofw', 29)):
        for points in (rng.uniform(60, 200, (k, 2)), rng.uniform(-30, 286, (k, 2))):
            maps = star_edge_maps(points, STAR_EDGES[layout], (256, 256), (64, 64))
            assert np.abs(maps - whole_canvas(points, STAR_EDGES[layout]).numpy()).max() < 1e-6


def test_generate_edge_maps_transform():
    rng = np.random.default_rng(0)
    results = dict(heatmaps=np.zeros((98, 64, 64), np.float32), input_size=(256, 256),
                   keypoint_weights=np.zeros((1, 98), np.float32),
                   transformed_keypoints=rng.uniform(40, 216, (1, 98, 2)))
    out = GenerateEdgeMaps()(dict(results))
    assert out['heatmaps'].shape == (98 + 9, 64, 64)
    expected = star_edge_maps(results['transformed_keypoints'][0], STAR_EDGES['wflw'],
                              (256, 256), (64, 64))
    assert np.array_equal(out['heatmaps'][98:], expected)
    assert out['keypoint_weights'][0, 98:].tolist() == [1.] * 9  # STAR ignores visibility
    with pytest.raises(ValueError, match='an edge uses landmark 95 but the heatmaps have 68'):
        GenerateEdgeMaps('wflw')(dict(results, heatmaps=np.zeros((68, 64, 64), np.float32)))
    with pytest.raises(KeyError, match='after TopdownAffine and GenerateTarget'):
        GenerateEdgeMaps()(dict(img=np.zeros((4, 4, 3))))


def test_boundary_curve_is_the_interpolating_spline():
    # three points on y = x^2 / 10 with equal chords: the degree-2 interpolant, in the
    # chord-length parameter, has x linear and is that parabola
    points = np.array([[-10., 10.], [0., 0.], [10., 10.]])
    curve = boundary_curve(points)
    assert np.allclose(curve[[0, -1]], points[[0, -1]])
    assert np.allclose(curve[:, 1], curve[:, 0]**2 / 10, atol=1e-6)
    # repeated neighbours are dropped; one point stays a point
    assert np.allclose(boundary_curve(np.array([[3., 4.], [3., 4.]])), [[3., 4.]])


@pytest.mark.parametrize('size, sigma, cutoff', [
    ((64, 64), 1., 3.), ((64, 48), 1.5, 2.), ((32, 40), 0.7, 3.5)])
def test_boundary_maps_equal_the_distance_from_every_pixel_to_every_segment(size, sigma, cutoff):
    """The maps are computed in each segment's window; the distance from every pixel to every
    segment of every curve gives the same maps, bit for bit: curves of all layouts inside,
    across and outside the map, short and long segments, a single point."""
    from wingpose.datasets.transforms import boundary_distance_maps

    def every_segment(curves):
        w, h = size
        grid = np.stack(np.meshgrid(np.arange(w), np.arange(h)), axis=-1).reshape(-1, 1, 2)
        maps = []
        for curve in curves:
            start, end = (curve[:-1], curve[1:]) if len(curve) > 1 else (curve, curve)
            direction = end - start
            length2 = np.maximum((direction**2).sum(-1), 1e-12)
            along = np.clip(((grid - start) * direction).sum(-1) / length2, 0, 1)
            nearest = start + along[..., None] * direction
            distance = np.sqrt(((grid - nearest)**2).sum(-1)).min(axis=1).reshape(h, w)
            maps.append(np.where(distance < cutoff * sigma,
                                 np.exp(-distance**2 / (2 * sigma**2)), 0.))
        return np.stack(maps).astype(np.float32)

    rng = np.random.default_rng(0)
    extent = np.array(size, dtype=float)
    for k, chains in ((layout.num_keypoints, layout.awing_boundaries)
                      for layout in FACE_LAYOUTS.values() if layout.awing_boundaries):
        for points in (rng.uniform(0.2, 0.8, (k, 2)) * extent,  # a face inside the map
                       rng.uniform(-0.3, 1.3, (k, 2)) * extent,  # across its borders
                       rng.uniform(-8, 0, (k, 2)) + [extent[0], 0]):  # near a corner, outside
            curves = [boundary_curve(points[list(chain)]) for chain in chains]
            curves += [np.array([[3.3, 4.]]), np.array([[0.5, 2.], [0.5, 2.]])]
            maps = boundary_distance_maps(curves, size, sigma, cutoff)
            assert np.array_equal(maps, every_segment(curves))


def test_awing_single_boundary_map_is_the_maximum_over_the_boundaries():
    rng = np.random.default_rng(0)
    results = dict(heatmaps=np.zeros((68, 64, 64), np.float32), input_size=(256, 256),
                   keypoint_weights=np.ones((1, 68), np.float32),
                   transformed_keypoints=rng.uniform(40, 216, (1, 68, 2)),
                   keypoints_visible=np.ones((1, 68)))
    results['keypoints_visible'][0, 40] = 0
    separate = GenerateBoundaryHeatmaps()(dict(results))
    merged = GenerateBoundaryHeatmaps(merge=True)(dict(results))
    assert merged['heatmaps'].shape == (69, 64, 64)
    assert np.array_equal(merged['heatmaps'][68], separate['heatmaps'][68:].max(axis=0))
    assert merged['keypoint_weights'][0, 68] == 1 and separate['keypoint_weights'].sum() < 81
    cofw = GenerateBoundaryHeatmaps(merge=True)(dict(
        results, heatmaps=np.zeros((29, 64, 64), np.float32),
        transformed_keypoints=results['transformed_keypoints'][:, :29],
        keypoint_weights=np.ones((1, 29), np.float32)))
    assert cofw['heatmaps'].shape == (30, 64, 64) and cofw['heatmaps'][29].max() == 1


def image(seed=0):
    return np.random.default_rng(seed).integers(0, 256, (64, 48, 3), dtype=np.uint8)


def test_texture_transforms_at_probability_zero_leave_the_image():
    for transform in (RandomOcclusion(prob=0), RandomBlur(prob=0), RandomGamma(prob=0),
                      RandomNoiseBlend(prob=0)):
        img = image()
        assert np.array_equal(transform(dict(img=img.copy()))['img'], img)


def test_texture_transforms_do_what_they_say():
    np.random.seed(0)
    for _ in range(20):
        img = image()
        occluded = RandomOcclusion(prob=1)(dict(img=img.copy()))['img']
        black = np.nonzero(np.all(occluded == 0, axis=2) & np.any(img != 0, axis=2))
        rows, cols = black
        assert len(rows) > 0  # a rectangle, at most 0.4 of the height and width each
        assert rows.max() - rows.min() + 1 <= 0.4 * 64 + 2
        assert cols.max() - cols.min() + 1 <= 0.5 * 48 + 2
        assert len(rows) == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
        gamma = RandomGamma(prob=1)(dict(img=img.copy()))['img']
        assert gamma.dtype == np.uint8 and gamma[img == 255].min() == 255
        assert gamma[img == 0].max() == 0
        # monotonic: the order of the pixel values is kept (up to rounding ties)
        order = np.argsort(img.ravel(), kind='stable')
        assert np.all(np.diff(gamma.ravel()[order].astype(int)) >= 0)
        noisy = RandomNoiseBlend(prob=1, max_alpha=0.5)(dict(img=img.copy()))['img']
        assert np.abs(noisy.astype(int) - img).max() <= 0.5 * 255 + 1
    flat = np.full((64, 48, 3), 77, np.uint8)
    for kind in ('box', 'gaussian'):
        blurred = RandomBlur(prob=1, max_ratio=0.5, kind=kind)(dict(img=flat.copy()))['img']
        assert np.array_equal(blurred, flat)
    with pytest.raises(ValueError, match="kind must be 'box' or 'gaussian', got 'median'"):
        RandomBlur(kind='median')
    with pytest.raises(ValueError, match='RandomGamma: prob must be in \\[0, 1\\], got 2'):
        RandomGamma(prob=2)


def test_normal_bbox_transform_draws_untruncated_normals():
    np.random.seed(0)
    transform = RandomNormalBBoxTransform(shift_sigma=0.05, scale_sigma=0.1, rotate_sigma=18.)
    offsets, scales, rotations = transform._get_transform_params.__wrapped__(transform, 20000)
    assert rotations.std() == pytest.approx(18., rel=0.03)
    assert np.abs(rotations).max() > 2 * 18  # not truncated at one sigma as MMPose's
    assert offsets.std() == pytest.approx(0.05, rel=0.03)
    assert (1 / scales).std() == pytest.approx(0.1, rel=0.03)  # the zoom is N(1, 0.1)
    results = dict(bbox_center=np.array([[50., 60.]]), bbox_scale=np.array([[100., 100.]]))
    out = transform(results)
    assert out['bbox_rotation'].shape == (1, ) and out['bbox_scale'].shape == (1, 2)


def test_align_corners_crop_puts_the_box_centre_on_the_middle_pixel():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    keypoints = np.array([[[210.5, 140.25], [250., 100.], [150., 190.]]], np.float32)

    def results(rotation=0.):
        return dict(img=image.copy(), bbox_center=np.array([[210.5, 140.25]]),
                    bbox_scale=np.array([[160., 120.]]), bbox_rotation=np.array([rotation]),
                    keypoints=keypoints.copy(), keypoints_visible=np.ones((1, 3)))

    for rotation in (0., 30.):
        ours = AlignCornersTopdownAffine((256, 256))(results(rotation))
        mmpose = TopdownAffine((256, 256))(results(rotation))
        # the same scale and rotation as MMPose's crop, half a pixel up and left
        assert np.abs(ours['transformed_keypoints'] - mmpose['transformed_keypoints'] + 0.5
                      ).max() < 1e-3
        assert ours['transformed_keypoints'][0, 0] == pytest.approx([127.5, 127.5], abs=1e-3)
        assert ours['img'].shape == (256, 256, 3)
    # MMPose's mapping back (p / w * scale + input_center - scale / 2) inverts the crop
    ours = AlignCornersTopdownAffine((256, 256))(results())
    back = ours['transformed_keypoints'] / 256 * ours['input_scale'] + ours['input_center'] \
        - ours['input_scale'] / 2
    assert np.abs(back - keypoints).max() < 1e-3
    assert ours['input_scale'].tolist() == [160., 160.]  # the box made square, as MMPose does
    with pytest.raises(ValueError, match='use_udp=True is not supported'):
        AlignCornersTopdownAffine((256, 256), use_udp=True)


@pytest.mark.parametrize('input_size, heatmap_size, sigma, radius', [
    ((256, 256), (64, 64), 1.75, 3), ((256, 192), (64, 48), 1., 2), ((128, 128), (64, 64), 2., 4)])
def test_awing_heatmaps_equal_drawing_each_window(input_size, heatmap_size, sigma, radius):
    """The windows inside the map are drawn at once; drawing each landmark's official window
    (``draw_gaussian``'s index ranges, :meth:`AWingHeatmap._window`) gives the same maps."""
    codec = AWingHeatmap(input_size, heatmap_size, sigma, radius)
    stride = np.array(input_size) / heatmap_size
    rng = np.random.default_rng(0)
    size = np.array(input_size)
    for _ in range(5):  # inside, near the borders and outside the input
        keypoints, visible = landmarks_in_near_and_outside(rng, size, 30, 8)
        encoded = codec.encode(keypoints.astype(np.float32), visible)
        w, h = heatmap_size
        expected = np.zeros((100, h, w), np.float32)
        for k, (x, y) in enumerate(keypoints[0].astype(np.float32) + 0.5):
            cx, cy = np.floor(np.array([x, y]) / stride.astype(np.float32) + 1).astype(int)
            if (visible[0, k] < 0.5 or x <= 0 or cx - radius > w or cy - radius > h
                    or cx + radius < 1 or cy + radius < 1):
                continue
            (map_x, g_x), (map_y, g_y) = codec._window(cx, w), codec._window(cy, h)
            expected[k, map_y, map_x] += codec.gaussian[g_y, g_x]
        assert np.array_equal(encoded['heatmaps'], expected)
        assert np.array_equal(encoded['keypoint_weights'], visible)


def test_crop_of_a_flipped_view_equals_the_crop_of_its_copy():
    """RandomFlip leaves reversed views; the crop reads them through cv2.flip, unchanged."""
    from mmpose.datasets.transforms import RandomFlip

    from wingpose.datasets.transforms.topdown_transforms import contiguous_image
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    for direction in ('horizontal', 'vertical', 'diagonal'):
        flipped = RandomFlip(prob=1., direction=direction)(dict(
            img=image, img_shape=image.shape[:2], bbox_center=np.array([[210.5, 140.25]]),
            bbox_scale=np.array([[160., 120.]]), bbox=np.array([[130., 80., 290., 200.]]),
            bbox_rotation=np.array([20.]), flip_indices=[0]))
        assert not flipped['img'].flags.c_contiguous
        copy = dict(flipped, img=np.ascontiguousarray(flipped['img']))
        crop = AlignCornersTopdownAffine((256, 256))(dict(flipped))['img']
        assert np.array_equal(crop, AlignCornersTopdownAffine((256, 256))(copy)['img'])
    for view in (image[:, ::-1], image[::-1], image[::-1, ::-1], image[:, ::2], image[..., ::-1],
                 image[..., 0][:, ::-1]):
        made = contiguous_image(view)
        assert made.flags.c_contiguous and np.array_equal(made, view)
    assert contiguous_image(image) is image


def test_awing_heatmap_is_the_official_gaussian_and_decoding():
    codec = AWingHeatmap((256, 256), (64, 64))
    one_axis = np.exp(-np.arange(-3, 4)**2 / (2 * 1.75**2))
    # p = 101 (pixel centres) is 101.5 with pixel corners at integers: heatmap pixel 25
    encoded = codec.encode(np.array([[[101., 101.]]]))
    heatmap = encoded['heatmaps'][0]
    assert heatmap.shape == (64, 64) and heatmap[25, 25] == pytest.approx(1.)
    assert heatmap.sum() == pytest.approx(one_axis.sum()**2, rel=1e-5)
    assert np.count_nonzero(heatmap) == 49  # a 7 x 7 window
    assert heatmap[25, 22:29] == pytest.approx(one_axis, rel=1e-5)
    # decoding: the cell's centre in the official frame, 4 (i + 1/2), less 1/2
    assert codec.decode(encoded['heatmaps'])[0][0, 0] == pytest.approx([101.5, 101.5])
    # a quarter pixel towards the larger neighbour, none on the border
    maps = np.zeros((2, 64, 64), np.float32)
    maps[0, 20, 10], maps[0, 20, 11], maps[0, 19, 10] = 1., 0.5, 0.3
    maps[1, 0, 5] = 1.
    decoded, scores = codec.decode(maps)
    assert decoded[0, 0] == pytest.approx([4 * (10.5 + 0.25) - 0.5, 4 * (20.5 - 0.25) - 0.5])
    assert decoded[0, 1] == pytest.approx([4 * 5.5 - 0.5, 4 * 0.5 - 0.5])
    assert scores[0].tolist() == [1., 1.]
    # the official window near the top/left border is cut at its far end: for the peak pixel
    # 1 the window's first four values land on pixels 0-3, so the map peaks on pixel 3
    near = codec.encode(np.array([[[4.5, 101.]]]))['heatmaps'][0]
    assert near[25, 3] == pytest.approx(1.) and near[25].argmax() == 3
    assert np.count_nonzero(near[25]) == 5
    # x <= 0 with pixel corners at integers: no map; unlabelled: no map and no weight
    empty = codec.encode(np.array([[[-0.5, 50.], [30., 30.]]]), np.array([[1., 0.]]))
    assert empty['heatmaps'].max() == 0 and empty['keypoint_weights'][0].tolist() == [1., 0.]
