import numpy as np
import pytest
import torch

from wingpose.models.backbones import CNN6, CNN7


def count(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('cls, size, params, conv_params', [
    (CNN6, 64, 3_666_752, 1_568_576),
    (CNN7, 128, 6_045_888, 3_947_712),
])
def test_output_shape_and_parameter_counts(cls, size, params, conv_params):
    model = cls()
    feats = model(torch.rand(2, 3, size, size))
    assert isinstance(feats, tuple) and feats[0].shape == (2, 1024)
    assert (feats[0] >= 0).all()  # FC + ReLU
    assert count(model) == params and count(model.features) == conv_params
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())


def test_batch_norm_option_and_channel_list():
    model = CNN6(channels=(8, 16, 32, 64, 128), fc_channels=256, with_bn=True)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()) == 5
    assert model(torch.rand(2, 3, 64, 64))[0].shape == (2, 256)


def test_bad_sizes():
    with pytest.raises(ValueError, match='multiple of 2\\*\\*len\\(channels\\)=32'):
        CNN6(input_size=48)
    with pytest.raises(ValueError, match=r'expects 64x64 inputs, got \(1, 3, 128, 128\)'):
        CNN6()(torch.rand(1, 3, 128, 128))


def test_regression_head_consumes_the_features():
    from mmpose.models.heads import RegressionHead
    head = RegressionHead(in_channels=1024, num_joints=19,
                          loss=dict(type='SmoothL1Loss', use_target_weight=True))
    assert head(CNN6()(torch.rand(2, 3, 64, 64))).shape == (2, 19, 2)


def test_channels_last_layout_is_the_same_function():
    """The NHWC layout (for speed) changes no output, and survives loading weights."""
    torch.manual_seed(0)
    model = CNN7(channels=(8, 8, 16, 16, 32, 32), fc_channels=64)
    model.init_weights()
    x = torch.rand(2, 3, 128, 128)
    reference = CNN7(channels=(8, 8, 16, 16, 32, 32), fc_channels=64)
    reference.load_state_dict(model.state_dict())
    conv = reference.features[0].weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    reference.features.to(memory_format=torch.contiguous_format)  # the plain NCHW network
    with torch.no_grad():
        expected = reference.fc(reference.features(x))
        np.testing.assert_allclose(model(x)[0].numpy(), expected.numpy(), rtol=1e-4, atol=1e-5)
