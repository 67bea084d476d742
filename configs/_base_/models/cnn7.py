# CNN7 (Feng et al., CVPR 2018): CNN6 with one more block, 128x128 input.
_base_ = ['./cnn6.py']

codec = dict(type='RegressionLabel', input_size=(128, 128))
head_paramwise_cfg = dict(custom_keys={'head.fc': dict(lr_mult=1 / 128**2, decay_mult=128**2)})
model = dict(
    backbone=dict(type='CNN7'),
    head=dict(loss=dict(input_size=codec['input_size']), decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, shift_prob=1., scale_factor=(0.9, 1.1),
         rotate_factor=30., rotate_prob=1.),
    dict(type='PhotometricDistortion', brightness_delta=32, contrast_range=(0.7, 1.3),
         saturation_range=(0.7, 1.3), hue_delta=9),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
