"""The codecs' decoding as torch modules equals their ``decode``, edge cases included."""
import numpy as np
import pytest
import torch
from mmpose.codecs import MSRAHeatmap, RegressionLabel

from wingpose.codecs import AWingHeatmap, SoftArgmaxHeatmap
from wingpose.codecs.graph_decoding import graph_decoding

SIZES = dict(input_size=(64, 48), heatmap_size=(16, 12))


def heatmaps_with_edge_cases(k: int = 40) -> np.ndarray:
    """Random heatmaps whose maxima fall on every border, in the corners, on ties and on
    non-positive maps, with equal neighbours (no refinement) beside some."""
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(k, 12, 16)).astype(np.float32)
    cells = [(0, 0), (15, 11), (0, 5), (15, 5), (7, 0), (7, 11), (1, 1), (14, 10), (1, 6),
             (6, 1), (14, 6), (6, 10)]
    for j, (x, y) in enumerate(cells):
        maps[j, y, x] = 10
    maps[12] = -np.abs(maps[12])  # no positive value: MMPose's -1
    maps[13] = 0
    maps[14, 3, 3] = maps[14, 8, 9] = 10  # a tie: the first maximum
    maps[15, 5, 5], maps[15, 5, 4], maps[15, 5, 6] = 10, 2, 2  # equal neighbours
    return maps


@pytest.mark.parametrize('codec', [
    MSRAHeatmap(sigma=2., **SIZES),
    AWingHeatmap(**SIZES),
    SoftArgmaxHeatmap(sigma=1.5, align_corners=True, **SIZES),
    SoftArgmaxHeatmap(sigma=1.5, align_corners=False, **SIZES),
], ids=['msra', 'awing', 'soft-argmax aligned corners', 'soft-argmax pixel edges'])
def test_graph_decoding_equals_the_codec(codec):
    maps = heatmaps_with_edge_cases()
    config = dict(type=type(codec).__name__, **SIZES,
                  align_corners=getattr(codec, 'align_corners', True))
    landmarks, scores = graph_decoding(config)(torch.from_numpy(np.stack([maps, maps[::-1]])))
    for n, batch_maps in enumerate((maps, maps[::-1].copy())):
        expected, expected_scores = codec.decode(batch_maps)
        if isinstance(codec, SoftArgmaxHeatmap):  # float64 in the codec, float32 here
            np.testing.assert_allclose(landmarks[n].numpy(), expected[0], atol=1e-3)
        else:  # the same cell and refinement: the same numbers
            np.testing.assert_array_equal(landmarks[n].numpy(), expected[0])
        np.testing.assert_array_equal(scores[n].numpy(), expected_scores[0])


def test_regression_decoding_and_refused_codecs():
    codec = RegressionLabel(input_size=(64, 48))
    coords = np.random.default_rng(1).uniform(size=(2, 5, 2)).astype(np.float32)
    landmarks, scores = graph_decoding(dict(type='RegressionLabel', input_size=(64, 48)))(
        torch.from_numpy(coords))
    np.testing.assert_allclose(landmarks.numpy(), np.concatenate(
        [codec.decode(c[None])[0] for c in coords]), rtol=1e-6)
    assert torch.equal(scores, torch.ones(2, 5))
    for codec in (dict(type='MSRAHeatmap', unbiased=True, **SIZES),
                  dict(type='UDPHeatmap', **SIZES)):
        with pytest.raises(ValueError, match='no graph decoding for the codec .* RegressionLabel'
                                             ', SoftArgmaxHeatmap, AWingHeatmap and MSRAHeatmap'):
            graph_decoding(codec)
