# wingpose runtime: MMPose's defaults under the wingpose scope (plain names fall through to
# MMPose and MMEngine).
default_scope = 'wingpose'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # MMEngine's CheckpointHook, with checkpoints kept whole through a crash
    checkpoint=dict(type='SafeCheckpointHook', interval=10),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='PoseVisualizationHook', enable=False))
# CheckFiniteLossHook: training stops at the first NaN/Inf loss term, saying where;
# IterationSeedHook: the model's training-time randomness from (seed, iteration), so that a
# resumed training is the uninterrupted one
custom_hooks = [
    dict(type='SyncBuffersHook'), dict(type='CheckFiniteLossHook'),
    dict(type='IterationSeedHook')
]

# gloo is chosen automatically when training multi-process on CPU (tools/train.py)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='PoseLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True, num_digits=6)
log_level = 'INFO'
load_from = None
resume = False
backend_args = dict(backend='local')
randomness = dict(seed=0)

val_cfg = dict()
test_cfg = dict()
