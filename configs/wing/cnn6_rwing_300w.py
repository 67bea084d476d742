# Loss ablation (Wing paper, Table 2/3): CNN6 on 300W with rwing instead of Wing.
_base_ = ['./cnn6_300w.py']
model = dict(head=dict(loss=dict(rectified_r=0.5)))
