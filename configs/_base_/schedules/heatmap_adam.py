# MMPose's face heatmap schedule (HRNetV2-W18 + AWing on WFLW): Adam 2e-3, 60 epochs, steps
# at 40 and 55, linear warm-up. The AWing and STAR papers train longer on stacked hourglasses;
# this keeps MMPose's HRNet recipe so the numbers compare with MMPose's (AWing 4.02 on WFLW).
train_cfg = dict(by_epoch=True, max_epochs=60, val_interval=1)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=60, milestones=[40, 55], gamma=0.1, by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=512)
