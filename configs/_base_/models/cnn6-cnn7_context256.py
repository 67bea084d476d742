# The two-stage framework as the Wing paper runs it: CNN7's aligned 128x128 crop is resampled
# from the image, not from a 128x128 first crop (where a tighter aligned box would be an
# upsampling, with zeros past the first crop's border). Here the model's input is a 256x256
# crop of the same box (MMPose's 1.25 padding): CNN6 sees it area-averaged to 64x64 as before,
# and the aligned crop is resampled from it at twice CNN7's resolution. The synthetic CPU
# configs keep the 128x128 input of ./cnn6-cnn7.py.
_base_ = ['./cnn6-cnn7.py']

codec = dict(type='RegressionLabel', input_size=(256, 256))
model = dict(head=dict(decoder=codec))

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
