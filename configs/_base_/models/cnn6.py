# CNN6 (Feng et al., CVPR 2018): 64x64 input in [0, 1], coordinate regression with Wing loss
# (omega=10, epsilon=2 in pixels of the 64x64 input). Augmentation as in the paper: flip,
# rotation up to 30 degrees, box shift/scale jitter, brightness/contrast.
codec = dict(type='RegressionLabel', input_size=(64, 64))
# The official CNN6 outputs pixels of its input; this head outputs them divided by the input
# size S. Its last layer steps as the official one with its rate x 1/S^2 and its weight decay
# x S^2 (docs/recipes.md, Wing: the learning rate); the SGD experiment configs use this
head_paramwise_cfg = dict(custom_keys={'head.fc': dict(lr_mult=1 / 64**2, decay_mult=64**2)})

model = dict(
    # built in wingpose's scope even where the caller set MMPose's (MMPoseInferencer does)
    _scope_='wingpose',
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.],
        bgr_to_rgb=True),
    backbone=dict(type='CNN6'),
    head=dict(
        type='RegressionHead',
        in_channels=1024,
        num_joints=68,
        loss=dict(type='WingLoss', omega=10., epsilon=2., input_size=codec['input_size']),
        decoder=codec),
    test_cfg=dict(flip_test=True, shift_coords=True))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, shift_prob=1., scale_factor=(0.9, 1.1),
         rotate_factor=30., rotate_prob=1.),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    # on the crop, as MMPose's configs do: the same per-pixel change on far fewer pixels
    dict(type='PhotometricDistortion', brightness_delta=32, contrast_range=(0.7, 1.3),
         saturation_range=(0.7, 1.3), hue_delta=9),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
