# HRNetV2-W18 with the official STAR recipe (Zhou et al., CVPR 2023): STAR (x1) on heatmaps
# that are instance-normalised distributions gated by sigmoid point maps, the point maps
# trained by AWing with the weighted loss map (x10); soft-argmax decoding. The
# SoftArgmaxHeatmap codec encodes the heatmaps and the coordinate labels STAR needs, with
# STAR's targets (sigma 1.5 drawn at 256, downsampled to 64: about 0.375 heatmap pixels), in
# STAR's [-1, 1] frame, where a Gaussian drawn at the input and downsampled peaks where its
# label points (align_corners=False). The crop stays MMPose's.
_base_ = ['./hrnetv2_w18_awing.py', './star_losses.py']

codec = dict(type='SoftArgmaxHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=1.5,
             render_at_input=True, align_corners=False)
model = dict(head=dict(
    type='STARHeatmapHead',
    loss=_base_.star_point_loss,
    star_loss=_base_.star_loss,
    decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, scale_factor=(0.75, 1.25),
         rotate_factor=30., rotate_prob=0.6),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    # on the crop, as MMPose's configs do: the same per-pixel change on far fewer pixels
    dict(type='PhotometricDistortion'),
    dict(type='GenerateTarget', encoder=codec),  # heatmaps and keypoint_labels
    dict(type='PackPoseInputs')
]
