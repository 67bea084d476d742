# Heatmap study: Adaptive Wing without the weighted loss map.
_base_ = ['./hrnetv2-w18-small_awing_synthface.py']
model = dict(head=dict(loss=dict(use_weight_map=False)))
