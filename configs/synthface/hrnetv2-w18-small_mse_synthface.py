# Heatmap study: the MSE baseline (MMPose's KeypointMSELoss).
_base_ = ['./hrnetv2-w18-small_awing_synthface.py']
model = dict(head=dict(loss=dict(_delete_=True, type='KeypointMSELoss', use_target_weight=True)))
