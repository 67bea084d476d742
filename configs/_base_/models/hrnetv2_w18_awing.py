# HRNetV2-W18 heatmap model (MMPose's face configs) trained with wingpose's Adaptive Wing loss
# and its weighted loss map (Wang et al., ICCV 2019): 256x256 input, 64x64 heatmaps. Sigma 2
# as MMPose's HRNetV2 + AWing config (td-hm_hrnetv2-w18_awing-8xb64-60e_wflw-256x256.py), whose
# 4.02 on WFLW these configs compare with; the AWing network's own recipe (sigma 1) is in
# stackedhg_awing.py.
codec = dict(type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2.)

model = dict(
    # built in wingpose's scope even where the caller set MMPose's (MMPoseInferencer does)
    _scope_='wingpose',
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(4, ),
                        num_channels=(64, )),
            stage2=dict(num_modules=1, num_branches=2, block='BASIC', num_blocks=(4, 4),
                        num_channels=(18, 36)),
            stage3=dict(num_modules=4, num_branches=3, block='BASIC', num_blocks=(4, 4, 4),
                        num_channels=(18, 36, 72)),
            stage4=dict(num_modules=3, num_branches=4, block='BASIC', num_blocks=(4, 4, 4, 4),
                        num_channels=(18, 36, 72, 144), multiscale_output=True),
            upsample=dict(mode='bilinear', align_corners=False)),
        init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://msra/hrnetv2_w18')),
    neck=dict(type='FeatureMapProcessor', concat=True),
    head=dict(
        type='HeatmapHead',
        in_channels=270,
        out_channels=68,
        deconv_out_channels=None,
        conv_out_channels=(270, ),
        conv_kernel_sizes=(1, ),
        loss=dict(type='AdaptiveWingLoss', use_weight_map=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0.05, scale_factor=(0.75, 1.25),
         rotate_factor=30., rotate_prob=0.6),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    # on the crop, as MMPose's configs do: the same per-pixel change on far fewer pixels
    dict(type='PhotometricDistortion'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
