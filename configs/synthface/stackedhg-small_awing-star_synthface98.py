# The heatmap study's STAR model on the synthetic benchmark's WFLW-98 layout, reduced for CPU:
# STAR's hourglass (STARHourglassNet: CoordConv, point and edge maps gating the distributions)
# with 2 stacks of depth 3 and 64 channels instead of 4 x 4 x 256, 64x64 input and 16x16
# heatmaps instead of 256 / 64 (the same 4x downsampling), batch 16, the CPU schedule (Adam
# 1e-3, linear decay, no EMA). Kept from STAR's recipe: the losses and their weights (STAR x1,
# AWing + map x10 on points and on edges, the stack weights 2^s / 2^(n-1): 0.5 and 1), the
# targets (Gaussians drawn at the input and downsampled, landmarks outside the crop moved onto
# its border; edge maps), STAR's [-1, 1] frame and crop centre
# (AlignCornersTopdownAffine), soft-argmax decoding, no flip test.
_base_ = [
    '../_base_/data/synthface98.py', '../_base_/models/stackedhg_star.py',
    '../_base_/schedules/synthface_cpu.py'
]
# Regime deviation: STAR's sigma, 1.5 input pixels at 256, is 0.375 heatmap pixels; on 16x16
# heatmaps MSE and AWing did not learn such one-pixel targets in the study's budget (NME io
# 44.2 and 48.9 against the mean shape's 27.2). sigma 4 at 64 is one heatmap pixel, as AWing's
# targets (sigma 1 on its 64x64 heatmaps).
codec = dict(type='SoftArgmaxHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=4.,
             render_at_input=True, align_corners=False, clip_to_input=True)
model = dict(
    backbone=dict(num_keypoints=98, num_stacks=2, depth=3, channels=64),
    head=dict(out_channels=98, num_boundaries=9, stack_weights=(0.5, 1.), decoder=codec))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomNormalBBoxTransform', shift_sigma=0.05, scale_sigma=0.1, rotate_sigma=18.),
    dict(type='AlignCornersTopdownAffine', input_size=codec['input_size']),
    dict(type='RandomOcclusion', prob=0.4),
    dict(type='RandomBlur', prob=0.3, max_ratio=0.05, kind='box'),
    dict(type='RandomGamma', prob=0.2),
    dict(type='RandomNoiseBlend', prob=0.2, max_alpha=0.5),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.299)),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='GenerateEdgeMaps'),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='AlignCornersTopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
