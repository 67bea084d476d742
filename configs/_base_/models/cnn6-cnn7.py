# The two-stage framework (Feng et al., CVPR 2018): CNN6 on the crop resized to 64x64, in-plane
# alignment from its landmarks, CNN7 on the aligned 128x128 crop. Both stages use Wing loss in
# pixels of their own input; the pipelines are CNN7's (128x128 crops).
_base_ = ['./cnn7.py']

# the first stage's head outputs CNN6's 64 pixels divided by 64 (cnn6.py)
head_paramwise_cfg = dict(
    custom_keys={'coarse_head.fc': dict(lr_mult=1 / 64**2, decay_mult=64**2)})

model = dict(
    type='TwoStageTopdownEstimator',
    coarse_backbone=dict(type='CNN6'),
    coarse_head=dict(
        type='RegressionHead',
        in_channels=1024,
        num_joints=68,
        loss=dict(type='WingLoss', omega=10., epsilon=2., input_size=(64, 64))),
    coarse_input_size=64,
    crop_padding=0.25,
    train_jitter=dict(rotate=5., shift=0.03, scale=0.05))
