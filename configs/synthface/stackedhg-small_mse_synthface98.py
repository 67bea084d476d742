# The heatmap study on STAR's network: as stackedhg-small_awing_synthface.py, every output
# trained by MSE instead (the same weights: x10 point and edge maps, x1 heatmaps).
_base_ = ['./stackedhg-small_awing_synthface98.py']
model = dict(head=dict(
    loss=dict(_delete_=True, type='KeypointMSELoss', use_target_weight=True, loss_weight=10.),
    boundary_loss=dict(_delete_=True, type='KeypointMSELoss', use_target_weight=True,
                       loss_weight=10.),
    heatmap_loss=dict(_delete_=True, type='KeypointMSELoss', use_target_weight=True,
                      loss_weight=1.)))
