# Loss ablation on the synthetic benchmark (AFLW-19 layout): CNN6 with rwing instead of Wing.
_base_ = ['./cnn6_wing_synthface19.py']
model = dict(head=dict(loss=dict(rectified_r=0.5)))
