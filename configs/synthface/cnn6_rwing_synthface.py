# Loss ablation on the synthetic benchmark: CNN6 with rwing instead of Wing.
_base_ = ['./cnn6_wing_synthface.py']
model = dict(head=dict(loss=dict(rectified_r=0.5)))
